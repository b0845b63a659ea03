"""Price imports (upload and the configured address), and the audited changes of the console's stock data."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from werkzeug import Response

from irportal.audit.models import AuditEntry
from irportal.ops import imports
from stock.models import DailyPrice
from stock.prices_csv import PricesRejected
from stock.services import SOURCE, prices_import, prices_upload
from tests.factories import UserFactory
from tests.stock.prices import csv_text, rows

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def history() -> list[tuple]:
    return list(DailyPrice.objects.order_by("day").values_list("day", "open", "high", "low", "close", "volume"))


def test_an_upload_adds_new_days_replaces_changed_ones_and_is_audited():
    admin = UserFactory()
    prices_upload(actor=admin, data=csv_text(rows(dt.date(2026, 1, 5), 5)), filename="hlvi.csv")
    corrected = rows(dt.date(2026, 1, 9), 3, start=Decimal("50.00"))

    stored = prices_upload(actor=admin, data=csv_text(corrected), filename="hlvi-corrected.csv")

    assert (stored.rows, stored.added, stored.changed) == (3, 2, 1)
    assert DailyPrice.objects.count() == 7
    assert DailyPrice.objects.get(day=dt.date(2026, 1, 9)).close == Decimal("50.00")
    entry = AuditEntry.objects.filter(action="stock.prices_import").order_by("-sequence").first()
    assert entry.actor_id == admin.pk
    assert entry.data["file"] == "hlvi-corrected.csv" and (entry.data["added"], entry.data["changed"]) == (2, 1)
    assert len(entry.data["sha256"]) == 64


def test_a_file_with_a_bad_row_replaces_nothing():
    admin = UserFactory()
    prices_upload(actor=admin, data=csv_text(rows(dt.date(2026, 1, 5), 5)), filename="hlvi.csv")
    before = history()
    replacement = rows(dt.date(2026, 1, 5), 5, start=Decimal("60.00"))
    replacement[3] = replacement[3].replace(",60.75,", ",sixty,")

    with pytest.raises(PricesRejected) as refused:
        prices_upload(actor=admin, data=csv_text(replacement), filename="bad.csv")

    assert str(refused.value.errors[0]) == "Row 5: close 'sixty' is not a number"
    assert history() == before
    assert AuditEntry.objects.filter(action="stock.prices_import").count() == 1


@pytest.fixture
def price_feed(httpserver, settings):
    settings.STOCK_PRICES_URL = httpserver.url_for("/eod/HLVI.csv")
    return httpserver


def test_the_configured_address_is_imported_then_asked_conditionally(price_feed, client):
    price_feed.expect_ordered_request("/eod/HLVI.csv").respond_with_data(
        csv_text(rows(dt.date(2026, 1, 5), 10)), content_type="text/csv", headers={"ETag": '"prices-1"'}
    )
    price_feed.expect_ordered_request("/eod/HLVI.csv", headers={"If-None-Match": '"prices-1"'}).respond_with_response(
        Response(status=304)
    )

    first = prices_import(now=NOW)
    second = prices_import(now=NOW + dt.timedelta(hours=1))

    assert first == "10 rows: 10 added, 0 changed" and second == "not modified"
    assert DailyPrice.objects.filter(provider="url", source="end_of_day").count() == 10
    entry = AuditEntry.objects.get(action="stock.prices_import")
    assert entry.actor_id is None and entry.actor_label == "system"
    assert imports.status(SOURCE, NOW + dt.timedelta(hours=1)).ok


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (Response("upstream down", status=503), "answered 503"),
        (Response(csv_text([*rows(dt.date(2026, 2, 2), 2), "2026-02-04,1,0.5,1,1,1"]), status=200), "Row 4: high"),
    ],
    ids=["server-error", "bad-row"],
)
def test_a_failing_or_bad_answer_changes_nothing_and_the_import_is_stale(price_feed, client, answer, reason):
    price_feed.expect_ordered_request("/eod/HLVI.csv").respond_with_data(csv_text(rows(dt.date(2026, 1, 5), 5)))
    price_feed.expect_ordered_request("/eod/HLVI.csv").respond_with_response(answer)
    prices_import(now=NOW)
    before = history()

    outcome = prices_import(now=NOW + dt.timedelta(hours=1))

    assert reason in outcome
    assert history() == before
    body = client.get("/readyz").json()
    assert "prices" in body["stale"] and reason in body["imports"]["prices"]


def test_without_a_provider_nothing_runs(settings):
    settings.STOCK_PRICES_URL = ""

    assert prices_import(now=NOW) == "no price provider configured"
    assert [state.name for state in imports.active_statuses(NOW)] == []


def test_the_price_address_is_not_followed_elsewhere(price_feed):
    price_feed.expect_request("/eod/HLVI.csv").respond_with_response(
        Response(status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    )

    outcome = prices_import(now=NOW)

    assert "answered 302" in outcome and not DailyPrice.objects.exists()
