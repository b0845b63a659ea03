"""The console's stock pages: permissions checked and refusals audited, every change audited."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from irportal.accounts.roles import COMPLIANCE_REVIEWER, IR_ADMIN, IR_AUTHOR
from irportal.audit.models import AuditEntry
from stock.models import DailyPrice, Dividend
from tests.factories import UserFactory, sign_in
from tests.stock.prices import csv_text, rows

pytestmark = pytest.mark.django_db


def upload(client, data: bytes, name="hlvi.csv"):
    return client.post("/staff/stock/prices/", {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def test_an_admin_uploads_prices(client, company):
    sign_in(client, UserFactory(roles=[IR_ADMIN]))

    response = upload(client, csv_text(rows(dt.date(2026, 1, 5), 20)))

    assert response.status_code == 302
    assert DailyPrice.objects.count() == 20
    assert AuditEntry.objects.filter(action="stock.prices_import").exists()


def test_an_upload_with_a_bad_row_names_it_and_changes_nothing(client, company):
    sign_in(client, UserFactory(roles=[IR_ADMIN]))
    upload(client, csv_text(rows(dt.date(2026, 1, 5), 5)))
    before = list(DailyPrice.objects.order_by("day").values_list("day", "close"))
    lines = rows(dt.date(2026, 1, 5), 8)
    lines[6] = lines[6].replace(lines[6].split(",")[0], "2026-01-32")

    response = upload(client, csv_text(lines))

    assert response.status_code == 400
    page = response.content.decode()
    assert "Row 8: date &#x27;2026-01-32&#x27; is not a date written YYYY-MM-DD" in page
    assert "the price history is unchanged" in page
    assert list(DailyPrice.objects.order_by("day").values_list("day", "close")) == before


def test_an_author_may_read_prices_but_not_upload_and_the_refusal_is_audited(client, company):
    sign_in(client, UserFactory(roles=[IR_AUTHOR]))

    assert client.get("/staff/stock/prices/").status_code == 200
    assert upload(client, csv_text(rows(dt.date(2026, 1, 5), 5))).status_code == 403
    assert not DailyPrice.objects.exists()
    refusal = AuditEntry.objects.get(action="security.permission_denied")
    assert refusal.data["permission"] == "stock.add_dailyprice"


def test_a_reviewer_cannot_change_a_dividend(client, company):
    sign_in(client, UserFactory(roles=[COMPLIANCE_REVIEWER]))

    assert client.get("/staff/stock/dividends/").status_code == 200
    assert client.get("/staff/stock/dividends/new/").status_code == 403
    assert AuditEntry.objects.filter(action="security.permission_denied").exists()
    assert client.get("/staff/stock/gossip/").status_code == 404


def dividend_form(**overrides) -> dict:
    return {
        "declared_on": "2026-02-24",
        "ex_dividend_on": "2026-03-10",
        "record_on": "2026-03-10",
        "payable_on": "2026-03-31",
        "amount": "0.24",
        "currency": "usd",
        "kind": "regular",
        "public_from": "2026-02-24T14:05",
    } | overrides


def test_a_dividend_is_entered_corrected_and_audited(client, company):
    author = UserFactory(roles=[IR_AUTHOR])
    sign_in(client, author)

    created = client.post("/staff/stock/dividends/new/", dividend_form())
    dividend = Dividend.objects.get()
    corrected = client.post(f"/staff/stock/dividends/{dividend.pk}/", dividend_form(amount="0.25"))

    assert created.status_code == corrected.status_code == 302
    dividend.refresh_from_db()
    assert (str(dividend.amount), dividend.currency, dividend.updated_by) == ("0.250000", "USD", author)
    # Typed in the company's home time zone (America/Phoenix, UTC-7).
    assert dividend.public_from == dt.datetime(2026, 2, 24, 21, 5, tzinfo=dt.UTC)
    entries = list(AuditEntry.objects.filter(action__startswith="stock.dividend").order_by("sequence"))
    assert [entry.action for entry in entries] == ["stock.dividend_create", "stock.dividend_update"]
    assert entries[1].changes == {"amount": {"before": "0.240000", "after": "0.250000"}}


def test_dates_out_of_order_are_refused_with_a_message(client, company):
    sign_in(client, UserFactory(roles=[IR_AUTHOR]))

    response = client.post("/staff/stock/dividends/new/", dividend_form(payable_on="2026-03-01"))

    assert response.status_code == 200
    assert "The payment date cannot come before the record date." in response.content.decode()
    assert not Dividend.objects.exists()


def test_a_dividend_that_was_public_cannot_be_removed_one_not_yet_public_can(client, company):
    author = UserFactory(roles=[IR_AUTHOR])
    sign_in(client, author)
    fields = {k: v for k, v in dividend_form().items() if k != "public_from"}
    fields["currency"] = "USD"
    shown = Dividend.objects.create(**fields, public_from=timezone.now() - dt.timedelta(days=1), updated_by=author)
    coming = Dividend.objects.create(**fields, public_from=timezone.now() + dt.timedelta(days=1), updated_by=author)

    refused = client.post(f"/staff/stock/dividends/{shown.pk}/delete/")
    removed = client.post(f"/staff/stock/dividends/{coming.pk}/delete/")

    assert refused.status_code == 403 and Dividend.objects.filter(pk=shown.pk).exists()
    assert AuditEntry.objects.filter(action="retention.delete_refused").exists()
    assert removed.status_code == 302 and not Dividend.objects.filter(pk=coming.pk).exists()
    assert AuditEntry.objects.filter(action="stock.dividend_delete", object_id=str(coming.pk)).exists()


def test_analysts_are_kept_on_the_console(client, company):
    sign_in(client, UserFactory(roles=[IR_AUTHOR]))

    response = client.post(
        "/staff/stock/analysts/new/",
        {"firm": "Brightwater Securities", "analyst": "Noor Haddad", "order": 1, "is_active": "on"},
    )

    assert response.status_code == 302
    assert "Brightwater Securities" in client.get("/staff/stock/analysts/").content.decode()
    assert AuditEntry.objects.filter(action="stock.analyst_create").exists()


def test_a_file_that_is_not_a_csv_is_refused_by_the_upload_check_and_audited(client, company):
    sign_in(client, UserFactory(roles=[IR_ADMIN]))

    response = upload(client, b"%PDF-1.7\n", name="prices.pdf")

    assert response.status_code == 400
    assert "This must be a CSV file (.csv)." in response.content.decode()
    assert not DailyPrice.objects.exists()
    assert AuditEntry.objects.filter(action="security.upload_refused").exists()
