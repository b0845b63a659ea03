import pytest

from tests.factories import make_company
from tests.filings import edgar_pages

CONTACT = "investor.relations@halvorsen.example"


@pytest.fixture
def edgar(httpserver, settings):
    """EDGAR stood in for by a local HTTP server: both the data API and the archives point at it."""
    base = httpserver.url_for("/").rstrip("/")
    settings.EDGAR_DATA_URL = base
    settings.EDGAR_ARCHIVES_URL = base
    settings.EDGAR_CONTACT_EMAIL = CONTACT
    settings.EDGAR_REQUESTS_PER_MINUTE = 100
    return httpserver


@pytest.fixture
def filer(db):
    """The company, with its CIK on the profile."""
    return make_company(cik=edgar_pages.CIK)


def serve_submissions(server, document: dict, *, etag: str = '"v1"') -> None:
    server.expect_request(f"/submissions/CIK{edgar_pages.CIK}.json").respond_with_data(
        edgar_pages.as_json(document),
        content_type="application/json",
        headers={"ETag": etag, "Last-Modified": "Tue, 24 Feb 2026 21:10:00 GMT"},
    )


def serve_older(server) -> None:
    server.expect_request(f"/submissions/{edgar_pages.OLDER_FILE}").respond_with_data(
        edgar_pages.as_json(edgar_pages.older_filings(edgar_pages.OLDER)), content_type="application/json"
    )


def serve_earnings_exhibits(server) -> None:
    folder = edgar_pages.archive_folder(edgar_pages.EARNINGS_8K)
    server.expect_request(f"{folder}/{edgar_pages.EARNINGS_8K.accession}-index.htm").respond_with_data(
        edgar_pages.earnings_index_page(), content_type="text/html"
    )
    server.expect_request(f"{folder}/{edgar_pages.EXHIBIT_NAME}").respond_with_data(
        edgar_pages.EARNINGS_EXHIBIT, content_type="text/html"
    )


def serve_everything(server, *, etag: str = '"v1"') -> None:
    serve_submissions(server, edgar_pages.submissions(edgar_pages.RECENT, older=(edgar_pages.OLDER_ENTRY,)), etag=etag)
    serve_older(server)
    serve_earnings_exhibits(server)
