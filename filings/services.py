"""The EDGAR import: the company's filing index, kept current politely.

``edgar_import`` is one run, started by beat every minute
(``filings.tasks.edgar_import``). A run:

1. does nothing without a CIK on the company profile, or while another run
   holds the source or its backoff lasts (``irportal.ops.imports``);
2. asks for the submissions document once ``EDGAR_IMPORT_INTERVAL`` has
   passed since the index was last confirmed, conditionally (``If-None-Match``,
   ``If-Modified-Since``): a 304 confirms what is stored;
3. fetches each older filings document the submissions name and the import
   has not read yet;
4. reads, for current reports with exhibits (item 9.01), newest first, the
   filing's index page and its press release exhibits (``FilingExhibit``).

Every request first takes a slot of the source's rate limit
(``EDGAR_REQUESTS_PER_MINUTE``, shared by every process); when the minute's
slots are used up the run stops and the next one goes on. Each answer is
stored in one transaction with the validators that describe it, or not at
all: a 429 or 5xx (backoff, as long as ``Retry-After`` asks at least), a
network error, or an answer out of EDGAR's shape changes nothing stored and
leaves the import stale on ``/readyz`` and the metrics until a run succeeds.
Requests name the company and ``EDGAR_CONTACT_EMAIL`` in their User-Agent,
as the SEC asks of automated access.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from company.models import CompanyProfile
from filings import edgar
from filings.groups import form_group
from filings.models import Filing, FilingExhibit
from filings.signals import filings_changed
from irportal.ops import fetch, imports

logger = logging.getLogger(__name__)

SOURCE = "edgar"
RUN_LEASE = timedelta(minutes=4)
MAX_SUBMISSIONS_BYTES = 50 * 1024 * 1024
MAX_PAGE_BYTES = 5 * 1024 * 1024
EXHIBITS_PER_FILING = 3
MAX_EXHIBIT_ATTEMPTS = 3
CURRENT_REPORTS = ("8-K", "8-K/A")
UPDATED_FIELDS = [
    "cik",
    "form",
    "form_group",
    "filing_date",
    "report_date",
    "accepted_at",
    "description",
    "primary_document",
    "items",
    "size",
    "is_xbrl",
    "is_inline_xbrl",
]


class OutOfSlots(Exception):
    """The rate limit's minute is full: the run stops and the next one goes on."""


def user_agent(company: CompanyProfile) -> str:
    """What the SEC asks automated access to send: who is asking and how to reach them."""
    return f"{company.legal_name} {settings.EDGAR_CONTACT_EMAIL}"


@dataclass
class ImportReport:
    """What one run did, for the log and the tests."""

    skipped: str = ""
    requests: int = 0
    stored: int = 0
    not_modified: bool = False
    exhibits_checked: int = 0
    error: str = ""
    urls: list[str] = field(default_factory=list)


class _Session:
    """The run's HTTP client, every request counted against the shared limit first."""

    def __init__(self, company, now, report: ImportReport):
        # EDGAR redirects between its own hosts (www.sec.gov and its archives).
        self.http = fetch.client(user_agent=user_agent(company), follow_redirects=True)
        self.now = now
        self.report = report

    def get(self, url: str, *, validators: dict | None = None, max_bytes: int = MAX_PAGE_BYTES) -> fetch.Answer:
        if not imports.take_request_slot(SOURCE, self.now, per_minute=settings.EDGAR_REQUESTS_PER_MINUTE):
            raise OutOfSlots
        self.report.requests += 1
        self.report.urls.append(url)
        return fetch.conditional_get(self.http, url, validators=validators, max_bytes=max_bytes)

    def close(self):
        self.http.close()


def _filing(record: edgar.FilingRecord, cik: str) -> Filing:
    return Filing(
        cik=cik,
        accession_number=record.accession_number,
        form=record.form,
        form_group=form_group(record.form),
        filing_date=record.filing_date,
        report_date=record.report_date,
        accepted_at=record.accepted_at,
        description=record.description,
        primary_document=record.primary_document,
        items=record.items,
        size=record.size,
        is_xbrl=record.is_xbrl,
        is_inline_xbrl=record.is_inline_xbrl,
    )


def _store(records: list[edgar.FilingRecord], cik: str) -> int:
    """Insert new filings and bring known ones up to date; the number of filings new to the site."""
    known = set(
        Filing.objects.filter(accession_number__in=[record.accession_number for record in records]).values_list(
            "accession_number", flat=True
        )
    )
    Filing.objects.bulk_create(
        [_filing(record, cik) for record in records],
        batch_size=500,
        update_conflicts=True,
        unique_fields=["accession_number"],
        update_fields=UPDATED_FIELDS,
    )
    return len({record.accession_number for record in records} - known)


def _changed(report: ImportReport, stored: int) -> None:
    report.stored += stored
    transaction.on_commit(lambda: filings_changed.send(sender=Filing), robust=True)


def _import_submissions(session: _Session, source, cik: str, report: ImportReport) -> None:
    url = settings.EDGAR_DATA_URL + edgar.submissions_path(cik)
    validators = source.validators.get(url) if source.progress.get("cik") == cik else None
    answer = session.get(url, validators=validators, max_bytes=MAX_SUBMISSIONS_BYTES)
    if answer.body is None:
        report.not_modified = True
        return
    records, older = edgar.parse_submissions(answer.body, cik=cik)
    progress = source.progress if source.progress.get("cik") == cik else {"cik": cik, "files_done": []}
    progress["files_pending"] = [name for name in older if name not in progress["files_done"]]
    with transaction.atomic():
        _changed(report, _store(records, cik))
        imports.save_state(SOURCE, validators={url: answer.validators}, progress=progress)
    source.progress = progress


def _import_older(session: _Session, source, cik: str, report: ImportReport) -> None:
    progress = source.progress
    while progress.get("files_pending"):
        name = progress["files_pending"][0]
        answer = session.get(f"{settings.EDGAR_DATA_URL}/submissions/{name}", max_bytes=MAX_SUBMISSIONS_BYTES)
        records = edgar.parse_older_filings(answer.body)
        progress = {
            **progress,
            "files_pending": progress["files_pending"][1:],
            "files_done": [*progress["files_done"], name],
        }
        with transaction.atomic():
            _changed(report, _store(records, cik))
            imports.save_state(SOURCE, progress=progress)
        source.progress = progress


def _exhibits_to_check(cik: str):
    return Filing.objects.filter(
        cik=cik, form__in=CURRENT_REPORTS, exhibits_checked_at__isnull=True, exhibit_attempts__lt=MAX_EXHIBIT_ATTEMPTS
    ).order_by("-filing_date", "-accession_number")


def _check_exhibits(session: _Session, cik: str, report: ImportReport) -> None:
    for filing in _exhibits_to_check(cik).iterator(chunk_size=50):
        if filing.items and "9.01" not in filing.items.split(","):
            # Exhibits are filed under item 9.01: without it there are none to read.
            Filing.objects.filter(pk=filing.pk).update(exhibits_checked_at=session.now)
            continue
        Filing.objects.filter(pk=filing.pk).update(exhibit_attempts=filing.exhibit_attempts + 1)
        documents = edgar.parse_filing_index(session.get(filing.index_url).body)
        exhibits = []
        for document in [doc for doc in documents if edgar.is_press_release_exhibit(doc)][:EXHIBITS_PER_FILING]:
            body = session.get(f"{filing.folder_url}/{document.name}").body
            exhibits.append(
                FilingExhibit(
                    filing=filing,
                    sequence=int(document.sequence),
                    exhibit_type=document.document_type,
                    document=document.name,
                    description=document.description,
                    text=edgar.exhibit_text(body),
                )
            )
        with transaction.atomic():
            FilingExhibit.objects.filter(filing=filing).delete()
            FilingExhibit.objects.bulk_create(exhibits)
            Filing.objects.filter(pk=filing.pk).update(exhibits_checked_at=session.now)
            if exhibits:
                _changed(report, 0)
        report.exhibits_checked += 1


def _index_due(source, cik: str, now: datetime) -> bool:
    if source.progress.get("cik") != cik or source.last_success_at is None:
        return True
    return now - source.last_success_at >= timedelta(seconds=settings.EDGAR_IMPORT_INTERVAL)


def edgar_import(*, now: datetime | None = None) -> ImportReport:
    """One run of the import (see the module's description)."""
    now = now or timezone.now()
    report = ImportReport()
    company = CompanyProfile.load()
    if not company.cik:
        report.skipped = "no CIK on the company profile"
        return report
    source = imports.claim_run(SOURCE, now, lease=RUN_LEASE)
    if source is None:
        report.skipped = "another run holds the import, or its backoff lasts"
        return report
    try:
        if not settings.EDGAR_CONTACT_EMAIL:
            raise fetch.FetchFailed("EDGAR_CONTACT_EMAIL is not set: the SEC asks every request to name a contact")
        session = _Session(company, now, report)
        refreshed = False
        try:
            if _index_due(source, company.cik, now):
                _import_submissions(session, source, company.cik, report)
                refreshed = True
            _import_older(session, source, company.cik, report)
            _check_exhibits(session, company.cik, report)
        except OutOfSlots:
            logger.info("EDGAR import paused for the rate limit after %s requests", report.requests)
        finally:
            session.close()
        imports.record_success(SOURCE, now, refreshed=refreshed)
    except (fetch.FetchFailed, edgar.Malformed) as exc:
        report.error = str(exc) if isinstance(exc, fetch.FetchFailed) else f"EDGAR answered out of shape: {exc}"
        retry_after = exc.retry_after if isinstance(exc, fetch.FetchFailed) else None
        imports.record_failure(SOURCE, now, report.error, retry_after=retry_after)
        logger.warning("EDGAR import failed: %s", report.error)
    finally:
        imports.end_run(SOURCE)
    return report
