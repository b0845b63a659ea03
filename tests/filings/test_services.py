"""The EDGAR import against a local server answering in EDGAR's shape: the production client is what runs."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from werkzeug import Response

from filings.models import Filing, FilingExhibit
from filings.services import SOURCE, edgar_import
from irportal.ops import imports
from irportal.ops.metrics import exposition
from irportal.ops.models import ImportSource
from tests.filings import edgar_pages
from tests.filings.conftest import CONTACT, serve_everything, serve_submissions

pytestmark = pytest.mark.django_db

# The imports run at moments counted from now; /readyz reads the clock.
NOW = timezone.now().replace(microsecond=0)


def stored() -> list[tuple]:
    """Everything the import keeps that the public reads, to compare before and after."""
    filings = list(Filing.objects.order_by("accession_number").values_list())
    exhibits = list(FilingExhibit.objects.order_by("document").values_list())
    return filings + exhibits


def readyz_imports(client) -> dict:
    body = client.get("/readyz").json()
    return {"imports": body.get("imports"), "stale": body.get("stale", [])}


def test_first_import_stores_every_filing_with_its_links_and_exhibits(edgar, filer, client):
    serve_everything(edgar)

    report = edgar_import(now=NOW)

    assert report.error == ""
    accessions = set(Filing.objects.values_list("accession_number", flat=True))
    assert accessions == {row.accession for row in [*edgar_pages.RECENT, *edgar_pages.OLDER]}
    annual = Filing.objects.get(accession_number=edgar_pages.ANNUAL.accession)
    assert (annual.form, annual.form_group, annual.report_date) == ("10-K", "periodic", dt.date(2025, 12, 31))
    assert annual.index_url.endswith("/Archives/edgar/data/1990217/000199021726000027/0001990217-26-000027-index.htm")
    assert annual.document_url.endswith("/000199021726000027/hlvi-20251231.htm")
    assert "/ix?doc=/Archives/edgar/data/1990217/000199021726000027/hlvi-20251231.htm" in annual.viewer_url
    groups = dict(Filing.objects.values_list("form", "form_group"))
    assert groups == {
        "8-K": "current",
        "4": "ownership",
        "10-K": "periodic",
        "DEF 14A": "proxy",
        "S-3": "registration",
        "SC 13G/A": "other",
        "10-Q": "periodic",
    }
    assert Filing.objects.get(form="S-3").viewer_url == ""
    exhibit = FilingExhibit.objects.get()
    assert (exhibit.filing.accession_number, exhibit.exhibit_type) == (edgar_pages.EARNINGS_8K.accession, "EX-99.1")
    assert edgar_pages.EARNINGS_HEADLINE in exhibit.text
    # The 8-K without item 9.01 has no exhibits to read: no request for its index page.
    governance = Filing.objects.get(accession_number=edgar_pages.GOVERNANCE_8K.accession)
    assert governance.exhibits_checked_at is not None and not governance.exhibits.exists()
    assert report.requests == 4
    for request, _ in edgar.log:
        assert request.headers["User-Agent"] == f"Halvorsen Instruments, Inc. {CONTACT}"
    assert readyz_imports(client) == {"imports": {"edgar": "ok"}, "stale": []}


def test_an_update_adds_the_new_filings_asking_conditionally_and_not_again_for_older_ones(edgar, filer):
    serve_everything(edgar)
    edgar_import(now=NOW)
    edgar.clear()
    new_form4 = edgar_pages.Row("0001127602-26-005001", "2026-03-02", "4", "xslF345X05/wk-form4_1709411.xml", "FORM 4")
    new_10q = edgar_pages.Row("0001990217-26-000040", "2026-03-05", "10-Q/A", "hlvi-10qa.htm", "10-Q/A")
    document = edgar_pages.submissions([new_10q, new_form4, *edgar_pages.RECENT], older=(edgar_pages.OLDER_ENTRY,))
    serve_submissions(edgar, document, etag='"v2"')

    too_soon = edgar_import(now=NOW + dt.timedelta(minutes=5))
    report = edgar_import(now=NOW + dt.timedelta(minutes=16))

    assert too_soon.requests == 0
    assert report.stored == 2 and report.error == ""
    assert Filing.objects.get(accession_number=new_10q.accession).form_group == "periodic"
    assert Filing.objects.count() == len(edgar_pages.RECENT) + len(edgar_pages.OLDER) + 2
    [(request, _)] = edgar.log  # the older filings and the exhibits already read are not asked for again
    assert request.headers["If-None-Match"] == '"v1"'
    assert request.headers["If-Modified-Since"] == "Tue, 24 Feb 2026 21:10:00 GMT"


def test_a_304_confirms_what_is_stored(edgar, filer, client):
    serve_everything(edgar)
    edgar_import(now=NOW)
    before = stored()
    edgar.clear()
    edgar.expect_request(
        f"/submissions/CIK{edgar_pages.CIK}.json", headers={"If-None-Match": '"v1"'}
    ).respond_with_response(Response(status=304, headers={"ETag": '"v1"'}))
    later = NOW + dt.timedelta(hours=7)  # past EDGAR_STALE_SECONDS: only a confirmation keeps it fresh

    report = edgar_import(now=later)

    assert report.not_modified and report.requests == 1 and report.error == ""
    assert stored() == before
    assert ImportSource.objects.get(name=SOURCE).last_success_at == later
    assert imports.status(SOURCE, later + dt.timedelta(minutes=1)).ok


@pytest.mark.parametrize("status", [429, 503])
def test_a_refusal_changes_nothing_and_backs_off_as_long_as_asked(edgar, filer, client, status):
    serve_everything(edgar)
    edgar_import(now=NOW)
    before = stored()
    edgar.clear()
    edgar.expect_request(f"/submissions/CIK{edgar_pages.CIK}.json").respond_with_data(
        "Request Rate Threshold Exceeded", status=status, headers={"Retry-After": "600"}
    )
    later = NOW + dt.timedelta(minutes=20)

    report = edgar_import(now=later)

    assert str(status) in report.error
    assert stored() == before
    source = ImportSource.objects.get(name=SOURCE)
    assert source.retry_at == later + dt.timedelta(seconds=600)  # longer than the first backoff: as asked
    state = readyz_imports(client)
    assert state["stale"] == ["edgar"] and f"answered {status}" in state["imports"]["edgar"]
    # The site stays ready: its pages answer from what is stored (no worker or beat runs here, so those fail).
    assert client.get("/readyz").json()["failing"] == ["worker", "beat"]
    # Nothing is asked before the wait is over.
    assert edgar_import(now=later + dt.timedelta(minutes=9)).requests == 0
    assert len(edgar.log) == 1


def test_failures_in_a_row_wait_twice_as_long_each_time_then_recover(edgar, filer):
    edgar.expect_request(f"/submissions/CIK{edgar_pages.CIK}.json").respond_with_data("", status=502)

    first = edgar_import(now=NOW)
    second = edgar_import(now=NOW + dt.timedelta(minutes=1))
    waits = ImportSource.objects.get(name=SOURCE).retry_at - (NOW + dt.timedelta(minutes=1))

    assert "502" in first.error and "502" in second.error
    assert waits == dt.timedelta(minutes=2)
    edgar.clear()
    serve_everything(edgar)
    recovered = edgar_import(now=NOW + dt.timedelta(minutes=3))
    assert recovered.error == "" and Filing.objects.exists()
    source = ImportSource.objects.get(name=SOURCE)
    assert (source.failures, source.retry_at, source.last_error) == (0, None, "")


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param("<html><body>Service temporarily unavailable</body></html>", id="not-json"),
        pytest.param(
            json.dumps(
                edgar_pages.submissions(edgar_pages.RECENT)
                | {
                    "filings": {
                        "recent": edgar_pages.columns(edgar_pages.RECENT) | {"form": ["8-K"]},
                        "files": [],
                    }
                }
            ),
            id="columns-of-different-lengths",
        ),
        pytest.param(json.dumps(edgar_pages.submissions(edgar_pages.RECENT, cik="0000320193")), id="another-company"),
    ],
)
def test_a_malformed_answer_changes_nothing_and_is_reported_stale(edgar, filer, client, settings, answer):
    serve_everything(edgar)
    edgar_import(now=NOW)
    before = stored()
    edgar.clear()
    edgar.expect_request(f"/submissions/CIK{edgar_pages.CIK}.json").respond_with_data(
        answer, content_type="application/json"
    )
    settings.METRICS_TOKEN = "scrape-token"

    report = edgar_import(now=NOW + dt.timedelta(minutes=20))

    assert "out of shape" in report.error
    assert stored() == before
    assert readyz_imports(client)["stale"] == ["edgar"]
    figures = exposition(NOW + dt.timedelta(minutes=21)).decode()
    assert 'irportal_import_stale{source="edgar"} 1.0' in figures
    # The public pages read what was stored: they do not change.
    assert Filing.objects.filter(accession_number=edgar_pages.ANNUAL.accession).exists()


def test_the_rate_limit_holds_across_runs_and_the_next_minute_goes_on(edgar, filer, settings):
    settings.EDGAR_REQUESTS_PER_MINUTE = 2
    serve_everything(edgar)

    first = edgar_import(now=NOW)
    same_minute = edgar_import(now=NOW + dt.timedelta(seconds=30))
    next_minute = edgar_import(now=NOW + dt.timedelta(seconds=61))

    assert (first.requests, same_minute.requests, next_minute.requests) == (2, 0, 2)
    assert first.error == same_minute.error == next_minute.error == ""
    assert FilingExhibit.objects.count() == 1  # the exhibit was read in the second minute


def test_without_a_cik_nothing_is_asked(edgar, db):
    from tests.factories import make_company

    make_company()

    report = edgar_import(now=NOW)

    assert report.skipped and report.requests == 0 and edgar.log == []
    assert imports.active_statuses(timezone.now()) == []


def test_without_a_contact_address_nothing_is_asked_and_the_import_is_stale(edgar, filer, settings, client):
    settings.EDGAR_CONTACT_EMAIL = ""

    report = edgar_import(now=NOW)

    assert "EDGAR_CONTACT_EMAIL" in report.error and edgar.log == []
    assert readyz_imports(client)["stale"] == ["edgar"]


def test_a_new_cik_starts_the_index_afresh(edgar, filer):
    serve_everything(edgar)
    edgar_import(now=NOW)
    other = "0000320193"
    filer.cik = other
    filer.save()
    edgar.clear()
    row = edgar_pages.Row("0000320193-26-000001", "2026-01-30", "10-Q", "q.htm", "10-Q")
    edgar.expect_request(f"/submissions/CIK{other}.json").respond_with_json(edgar_pages.submissions([row], cik=other))

    report = edgar_import(now=NOW + dt.timedelta(minutes=1))

    [(request, _)] = edgar.log
    assert "If-None-Match" not in request.headers
    assert report.stored == 1 and Filing.objects.get(accession_number=row.accession).cik == other


def test_the_admins_dashboard_shows_a_failing_import(edgar, filer, client):
    from irportal.accounts.roles import IR_ADMIN
    from tests.factories import UserFactory, sign_in

    edgar.expect_request(f"/submissions/CIK{edgar_pages.CIK}.json").respond_with_data("", status=503)
    edgar_import(now=NOW)
    sign_in(client, UserFactory(roles=[IR_ADMIN]))

    page = client.get("/staff/").content.decode()

    panel = page.split('data-testid="panel-imports"')[1].split("</section>")[0]
    assert "SEC filings from EDGAR" in panel and "answered 503" in panel
