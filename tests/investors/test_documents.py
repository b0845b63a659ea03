"""The public financial pages: what is public is decided at read time, to the second, on every surface;
files are downloads that cannot run; the lists cost the same number of queries at 10 and at 1,000 documents."""

import datetime as dt
import re
import secrets

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.workflow import event_approve, event_submit
from releases.checks import CODES as EVERY_RELEASE_WARNING
from releases.workflow import release_approve, release_submit
from reports.checks import CODES as EVERY_WARNING
from reports.models import Document, DocumentFile, DocumentRevision
from reports.thumbnails import document_thumbnail_make
from reports.workflow import document_approve, document_publish, document_submit, document_withdraw
from tests.events.builders import make_event, published
from tests.factories import make_release
from tests.reports.builders import good_slides, make_document

pytestmark = pytest.mark.django_db

LISTS = ("/investors/financials/", "/investors/reports/", "/investors/presentations/", "/investors/")


def approve(document, author, approver, publish_at=None):
    document_submit(document_id=document.pk, actor=author)
    return document_approve(document_id=document.pk, actor=approver, acknowledged=EVERY_WARNING, publish_at=publish_at)


def publish(document, author, approver):
    approve(document, author, approver)
    return document_publish(document_id=document.pk, actor=approver)


def with_thumbnail(document):
    main = document.files.get(role="main")
    assert document_thumbnail_make(file_id=main.pk) == "ready"
    return DocumentFile.objects.get(pk=main.pk)


@pytest.fixture
def quarter(company, author, approver):
    """Q3 FY2026 approved to go public at one embargo: results release, results, slides and the annual report;
    the earnings call is public already."""
    embargo = timezone.now().replace(microsecond=0) + dt.timedelta(days=1)
    call = published(make_event(author, slug="q3-call", title="Third quarter 2026 results call"), author, approver)
    release = make_release(author, slug="q3-2026-results", headline="Halvorsen Reports Third Quarter 2026 Results")
    release_submit(release_id=release.pk, actor=author)
    release_approve(release_id=release.pk, actor=approver, acknowledged=EVERY_RELEASE_WARNING, publish_at=embargo)
    results = make_document(author, slug="q3-fy2026-results", release=release, event=call)
    slides = make_document(
        author, pdf=good_slides(), slug="q3-fy2026-slides", kind="presentation", title="Earnings slides", event=call
    )
    annual = make_document(author, slug="annual-report-2025", kind="annual_report", title="Annual report 2025",
                           fiscal_year=2025, fiscal_quarter=None, filings=[])  # fmt: skip
    thumbnails = [with_thumbnail(document) for document in (results, slides, annual)]
    for document in (results, slides, annual):
        approve(document, author, approver, publish_at=embargo)
    return {"embargo": embargo, "documents": (results, slides, annual), "thumbnails": thumbnails, "call": call}


def surfaces(quarter) -> dict[str, str]:
    """Every public address where the embargoed quarter could show: (path -> what it would show)."""
    results, slides, annual = quarter["documents"]
    found = {
        "/investors/financials/": "Q3 FY2026",
        "/investors/presentations/": "Earnings slides",
        "/investors/reports/": "Annual report 2025",
        "/investors/": "Q3 FY2026",
        f"/investors/events/{quarter['call'].slug}/": "Earnings slides",
        "/sitemap-documents.xml": "/investors/documents/q3-fy2026-results/",
    }
    for document, stored in zip((results, slides, annual), quarter["thumbnails"], strict=True):
        found[document.get_absolute_url()] = document.title
        found[f"{document.get_absolute_url()}files/{stored.token}/file"] = "%PDF-"
        found[f"{document.get_absolute_url()}files/{stored.token}/thumbnail"] = "RIFF"
    return found


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content)[:8].decode("latin-1")
    return response.content.decode()


def test_an_embargoed_quarter_is_nowhere_until_its_second_and_everywhere_at_it_with_no_sweep(client, quarter):
    embargo = quarter["embargo"]
    addresses = surfaces(quarter)
    with time_machine.travel(embargo - dt.timedelta(seconds=1), tick=False):
        for path, shown in addresses.items():
            response = client.get(path)
            assert response.status_code in (200, 404), path
            assert shown not in body(response), path
            if "/investors/documents/" in path:
                assert response.status_code == 404, path
    # The pages above are now in the public cache; none of them may outlive the embargo.
    with time_machine.travel(embargo, tick=False):
        for path, shown in addresses.items():
            response = client.get(path)
            assert response.status_code == 200, path
            assert shown in body(response), path
    assert set(Document.objects.values_list("status", flat=True)) == {"approved"}  # no sweep ran


def test_the_quarter_block_holds_everything_that_belongs_to_it(client, quarter):
    with time_machine.travel(quarter["embargo"], tick=False):
        page = client.get("/investors/financials/").content.decode()
    block = page[page.index('data-quarter="Q3 FY2026"') :]
    block = block[: block.index("</section>")]
    assert "Halvorsen Reports Third Quarter 2026 Results" in block  # the release
    assert "/investors/documents/q3-fy2026-results/" in block and "Earnings slides" in block
    assert "Third quarter 2026 results call" in block  # the webcast's event
    assert "Form 10-Q" in block
    assert 'quarter ended <time datetime="2026-09-30">Sept. 30, 2026</time>' in block


def test_public_files_are_downloads_that_cannot_run(client, quarter):
    results = quarter["documents"][0]
    stored = quarter["thumbnails"][0]
    with time_machine.travel(quarter["embargo"], tick=False):
        download = client.get(f"{results.get_absolute_url()}files/{stored.token}/file")
        thumbnail = client.get(f"{results.get_absolute_url()}files/{stored.token}/thumbnail")
        other = client.get(f"{results.get_absolute_url()}files/{secrets.token_hex(16)}/file")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    for response in (download, thumbnail):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert thumbnail["Content-Type"] == "image/webp"
    assert other.status_code == 404


def test_a_file_left_out_of_the_public_revision_is_not_served(client, company, author, approver):
    from reports.services import document_update
    from tests.reports.builders import good_pdf, upload

    document = publish(make_document(author, slug="q2-results"), author, approver)
    first = document.files.get()
    from company.files import PDF, check_upload

    document_update(
        actor=author,
        pk=document.pk,
        base_version=document.version,
        main_file=check_upload(upload(good_pdf()), accept=PDF),
    )
    second = document.files.get(removed=False)
    base = document.get_absolute_url()
    assert client.get(f"{base}files/{first.token}/file").status_code == 200  # the public still reads revision 1
    assert client.get(f"{base}files/{second.token}/file").status_code == 404  # the draft correction's file


def test_a_withdrawn_document_answers_410_and_its_files_404(client, company, author, approver):
    document = publish(make_document(author, slug="q1-results"), author, approver)
    stored = document.files.get()
    document_withdraw(document_id=document.pk, actor=approver, reason="Posted in error")
    assert client.get(document.get_absolute_url()).status_code == 410
    assert client.get(f"{document.get_absolute_url()}files/{stored.token}/file").status_code == 404
    assert client.get("/investors/documents/never-existed/").status_code == 404


def add_public_copies(template: Document, count: int) -> None:
    """Many published documents at once (a quarter each, four kinds in turn), without the workflow's cost."""
    revision = template.live_revision
    main = template.files.get()
    kinds = ["quarterly_results", "presentation", "annual_report", "proxy_statement"]
    offset = Document.objects.count()
    copies = []
    for number in range(count):
        copy = Document.objects.get(pk=template.pk)
        copy.pk, copy.live_revision, copy.slug = None, None, f"copy-{offset + number}"
        # The row of a published document holds its live revision's columns, as the workflow keeps them.
        copy.kind = kinds[number % 4]
        copy.fiscal_year = 2026 - (offset + number) // 16
        quarterly = copy.kind in {"quarterly_results", "presentation"}
        copy.fiscal_quarter = ((offset + number) // 4) % 4 + 1 if quarterly else None
        copies.append(copy)
    created = Document.objects.bulk_create(copies)
    files, revisions = [], []
    for document in created:
        token = secrets.token_hex(16)
        files.append(DocumentFile(document=document, token=token, role="main", format="pdf", label="Copy",
                                  original_name="copy.pdf", file=main.file.name, size=main.size, sha256=main.sha256,
                                  pages=main.pages, uploaded_by_id=main.uploaded_by_id, thumbnail_state="ready",
                                  thumbnail=main.file.name))  # fmt: skip
        content = revision.content | {
            "slug": document.slug,
            "kind": document.kind,
            "fiscal_year": document.fiscal_year,
            "fiscal_quarter": document.fiscal_quarter,
            "main_file": revision.content["main_file"] | {"token": token},
        }
        copy_revision = DocumentRevision(
            document=document,
            number=1,
            content=content,
            content_hash=revision.content_hash,
            created_by_id=revision.created_by_id,
        )
        copy_revision.columns_from_content()
        revisions.append(copy_revision)
    DocumentFile.objects.bulk_create(files)
    for document, copy_revision in zip(created, DocumentRevision.objects.bulk_create(revisions), strict=True):
        document.live_revision = copy_revision
    Document.objects.bulk_update(created, ["live_revision"])


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


def test_each_public_list_reads_as_many_queries_at_10_and_at_1000_documents(
    client, company, author, approver, settings
):
    settings.PUBLIC_CACHE = False
    call = published(make_event(author, slug="call"), author, approver)
    release = make_release(author, slug="results-release")
    release_submit(release_id=release.pk, actor=author)
    release_approve(release_id=release.pk, actor=approver, acknowledged=EVERY_RELEASE_WARNING)
    template = publish(make_document(author, slug="template", release=release, event=call), author, approver)
    add_public_copies(template, 9)
    at_10 = {path: queries(client, path) for path in LISTS}
    add_public_copies(Document.objects.get(pk=template.pk), 990)
    assert Document.objects.public(timezone.now()).count() == 1000
    at_1000 = {path: queries(client, path) for path in LISTS}
    assert at_10 == at_1000
    page = client.get("/investors/financials/").content.decode()
    assert len(re.findall(r'data-testid="quarter"', page)) == 12  # three fiscal years, not 250


def test_the_event_page_shows_its_slides_once_public_and_the_replay_links_them(
    client, company, author, approver, django_capture_on_commit_callbacks
):
    call = make_event(author, slug="q3-call", replay_url="https://webcast.example/hlvi/q3/replay",
                      starts_at=timezone.now() - dt.timedelta(days=1))  # fmt: skip
    call = published(call, author, approver)
    slides = make_document(
        author, pdf=good_slides(), slug="q3-slides", kind="presentation", title="Q3 slides", event=call
    )
    with_thumbnail(slides)
    page = client.get(f"/investors/events/{call.slug}/").content.decode()
    assert "Q3 slides" not in page
    with django_capture_on_commit_callbacks(execute=True):  # publication drops the cached event page
        publish(slides, author, approver)
    page = client.get(f"/investors/events/{call.slug}/").content.decode()
    assert 'data-testid="event-slides"' in page and "Q3 slides" in page
    replay = page[page.index('data-testid="replay"') :]
    assert "Slides (PDF)" in replay[: replay.index("</p>")]


def test_a_draft_correction_does_not_move_the_public_document_to_another_quarter(client, company, author, approver):
    from reports.services import document_update

    document = publish(make_document(author, slug="q3-results"), author, approver)
    document_update(actor=author, pk=document.pk, base_version=document.version, fiscal_quarter=2, title="Wrong")
    # Nor to another fiscal year, in the list of years or among the quarters shown.
    earlier = publish(make_document(author, slug="q4-fy2025", fiscal_year=2025, fiscal_quarter=4), author, approver)
    document_update(actor=author, pk=earlier.pk, base_version=earlier.version, fiscal_year=2031)
    page = client.get("/investors/financials/").content.decode()
    assert 'data-quarter="Q3 FY2026"' in page and 'data-quarter="Q2 FY2026"' not in page
    assert 'data-quarter="Q4 FY2025"' in page and "FY2031" not in page
    assert "Wrong" not in page


def test_an_event_approved_but_embargoed_is_not_shown_with_the_documents(client, company, author, approver):
    call = make_event(author, slug="embargoed-call", title="Embargoed call")
    event_submit(event_id=call.pk, actor=author)
    event_approve(event_id=call.pk, actor=approver, publish_at=timezone.now() + dt.timedelta(days=3))
    publish(make_document(author, slug="q3-results", event=call), author, approver)
    assert "Embargoed call" not in client.get("/investors/documents/q3-results/").content.decode()


def reference_firsts(now) -> dict[str, str | None]:
    """The Investor page's two documents the slow way: every public document through the ORM, ranked in Python."""
    read = [(document, document.public_revision(now).content) for document in Document.objects.public(now)]
    results = [(c["fiscal_year"], c["fiscal_quarter"], c["document_date"], d.pk, d) for d, c in read
               if c["kind"] == "quarterly_results"]  # fmt: skip
    slides = [(c["document_date"], d.pk, d) for d, c in read if c["kind"] == "presentation"]
    return {
        "latest_results": max(results, key=lambda row: row[:4])[-1].slug if results else None,
        "newest_presentation": max(slides, key=lambda row: row[:2])[-1].slug if slides else None,
    }


def test_the_investor_page_documents_are_the_public_reading_at_every_moment(company, author, approver):
    from reports.selectors import investor_page_documents
    from reports.services import document_update

    now = timezone.now().replace(microsecond=0)
    embargo = now + dt.timedelta(hours=2)
    q2 = publish(make_document(author, slug="q2-results", fiscal_quarter=2, title="Q2"), author, approver)
    old_slides = publish(
        make_document(
            author, slug="old-slides", kind="presentation", title="Old slides", document_date=dt.date(2026, 8, 1)
        ),
        author,
        approver,
    )
    # Embargoed: Q3 results and new slides go public at the embargo, to the second.
    approve(make_document(author, slug="q3-results", title="Q3"), author, approver, publish_at=embargo)
    approve(
        make_document(author, slug="new-slides", kind="presentation", title="New", document_date=dt.date(2026, 11, 1)),
        author,
        approver,
        publish_at=embargo,
    )
    # A correction approved for the embargo turns the old slides into a fact sheet then; a draft correction
    # that would make Q2 a Q4 never counts.
    document_update(actor=author, pk=old_slides.pk, base_version=old_slides.version, kind="fact_sheet")
    approve(Document.objects.get(pk=old_slides.pk), author, approver, publish_at=embargo)
    document_update(actor=author, pk=q2.pk, base_version=q2.version, fiscal_quarter=4)
    withdrawn = publish(
        make_document(author, slug="withdrawn-q1", fiscal_year=2027, fiscal_quarter=1), author, approver
    )
    document_withdraw(document_id=withdrawn.pk, actor=approver, reason="Issued in error")
    # Q4 approved for the embargo but held at a gate (the newswire's) that opens an hour after it.
    q4 = approve(make_document(author, slug="q4-results", fiscal_quarter=4, title="Q4"), author, approver, embargo)
    gate_opens = embargo + dt.timedelta(hours=1)
    Document.objects.filter(pk=q4.pk).update(held=True, gate_opens_at=gate_opens)

    seen = {}
    moments = (now, embargo - dt.timedelta(seconds=1), embargo, gate_opens - dt.timedelta(seconds=1), gate_opens)
    for moment in (*moments, embargo + dt.timedelta(days=1)):
        found = investor_page_documents(moment)
        shown = {name: doc.document.slug if doc else None for name, doc in found.items()}
        assert shown == reference_firsts(moment), moment
        seen[moment] = shown
    assert seen[now] == {"latest_results": "q2-results", "newest_presentation": "old-slides"}
    assert seen[embargo] == {"latest_results": "q3-results", "newest_presentation": "new-slides"}
    assert seen[gate_opens - dt.timedelta(seconds=1)]["latest_results"] == "q3-results"
    assert seen[gate_opens]["latest_results"] == "q4-results"
    # The panel shows the revision the public reads, not the draft.
    assert investor_page_documents(embargo)["latest_results"].content["fiscal_quarter"] == 3


def test_the_investor_page_reads_published_documents_from_their_rows_and_corrections_from_their_revisions(
    company, author, approver
):
    from reports.selectors import investor_page_documents
    from reports.services import document_update

    for year, quarter in ((2026, 1), (2026, 3), (2026, 2), (2025, 4)):
        slug = f"fy{year}-q{quarter}"
        publish(make_document(author, slug=slug, fiscal_year=year, fiscal_quarter=quarter), author, approver)
    for day in (3, 9, 5):
        slides = make_document(author, slug=f"slides-{day}", kind="presentation", document_date=dt.date(2026, 10, day))
        publish(slides, author, approver)
    # A draft correction dates slides-5 after every other in its working copy; the public still reads October 5.
    corrected = Document.objects.get(slug="slides-5")
    document_update(actor=author, pk=corrected.pk, base_version=corrected.version, document_date=dt.date(2026, 11, 30))
    withdrawn = publish(make_document(author, slug="fy2026-q4", fiscal_quarter=4), author, approver)
    document_withdraw(document_id=withdrawn.pk, actor=approver, reason="Issued in error")

    now = timezone.now()
    shown = {name: doc.document.slug for name, doc in investor_page_documents(now).items()}
    assert shown == reference_firsts(now) == {"latest_results": "fy2026-q3", "newest_presentation": "slides-9"}


def test_a_draft_correction_does_not_move_a_public_document_between_reports_and_presentations(
    client, company, author, approver
):
    from reports.services import document_update

    slides = publish(make_document(author, slug="slides", kind="presentation", fiscal_quarter=None), author, approver)
    document_update(actor=author, pk=slides.pk, base_version=slides.version, kind="annual_report")
    annual = publish(make_document(author, slug="annual", kind="annual_report", fiscal_quarter=None), author, approver)
    document_update(actor=author, pk=annual.pk, base_version=annual.version, kind="presentation")

    presentations = client.get("/investors/presentations/").content.decode()
    reports = client.get("/investors/reports/").content.decode()
    assert "/investors/documents/slides/" in presentations and "/investors/documents/slides/" not in reports
    assert "/investors/documents/annual/" in reports and "/investors/documents/annual/" not in presentations


def reference_slides(event, now) -> list[str]:
    """An event's slides the slow way: every public document through the ORM, filtered and sorted in Python."""
    read = [(document, document.public_revision(now).content) for document in Document.objects.public(now)]
    slides = [(c["document_date"], d.pk, d.slug) for d, c in read
              if c["kind"] == "presentation" and (c["event"] or {}).get("id") == event.pk]  # fmt: skip
    return [slug for *_, slug in sorted(slides, reverse=True)][:5]


def test_an_events_slides_are_the_public_reading_at_every_moment(company, author, approver):
    from reports.selectors import slides_for_event
    from reports.services import document_update

    call, other = (published(make_event(author, slug=slug), author, approver) for slug in ("q3-call", "q2-call"))
    now = timezone.now().replace(microsecond=0)
    embargo = now + dt.timedelta(hours=2)

    def slides(slug, event, day, **fields):
        date = dt.date(2026, 10, day)
        return make_document(author, slug=slug, kind="presentation", event=event, document_date=date, **fields)

    for day in (1, 2, 3, 4, 6, 7):
        publish(slides(f"published-{day}", call, day), author, approver)
    # A draft correction moving slides to the other event: the public still reads them with this one.
    moved = publish(slides("draft-moved", call, 5), author, approver)
    document_update(actor=author, pk=moved.pk, base_version=moved.version, event=other)
    # The other event's slides, moved to this one by a correction approved for the embargo.
    joining = publish(slides("joining", other, 8), author, approver)
    document_update(actor=author, pk=joining.pk, base_version=joining.version, event=call)
    approve(Document.objects.get(pk=joining.pk), author, approver, publish_at=embargo)
    # First published at the embargo; held at a gate an hour after it; withdrawn; a fact sheet, never slides.
    approve(slides("at-embargo", call, 9), author, approver, publish_at=embargo)
    held = approve(slides("held", call, 10), author, approver, publish_at=embargo)
    gate_opens = embargo + dt.timedelta(hours=1)
    Document.objects.filter(pk=held.pk).update(held=True, gate_opens_at=gate_opens)
    withdrawn = publish(slides("withdrawn", call, 11), author, approver)
    document_withdraw(document_id=withdrawn.pk, actor=approver, reason="Issued in error")
    publish(make_document(author, slug="fact-sheet", kind="fact_sheet", event=call), author, approver)

    seen = {}
    for moment in (now, embargo - dt.timedelta(seconds=1), embargo, gate_opens - dt.timedelta(seconds=1), gate_opens):
        shown = [doc.document.slug for doc in slides_for_event(call.pk, moment)]
        assert shown == reference_slides(call, moment), moment
        assert [doc.document.slug for doc in slides_for_event(other.pk, moment)] == reference_slides(other, moment)
        seen[moment] = shown
    assert seen[now] == ["published-7", "published-6", "draft-moved", "published-4", "published-3"]
    assert seen[embargo] == ["at-embargo", "joining", "published-7", "published-6", "draft-moved"]
    assert seen[gate_opens][0] == "held"


def reference_lists(now) -> dict[str, list[str]]:
    """The reports and presentations pages' documents the slow way: every public document through the ORM, filtered
    and sorted in Python by the revision the public reads."""
    from reports.selectors import REPORT_KINDS

    read = [(document, document.public_revision(now).content) for document in Document.objects.public(now)]
    reports = [(c["fiscal_year"], c["document_date"], d.pk, d.slug) for d, c in read
               if c["kind"] in REPORT_KINDS and c["fiscal_quarter"] is None]  # fmt: skip
    slides = [(c["document_date"], d.pk, d.slug) for d, c in read if c["kind"] == "presentation"]
    return {
        "reports": [slug for *_, slug in sorted(reports, reverse=True)],
        "presentations": [slug for *_, slug in sorted(slides, reverse=True)],
    }


def test_the_reports_and_presentations_lists_are_the_public_reading_at_every_moment(company, author, approver):
    from reports.selectors import presentations_page, reports_page
    from reports.services import document_update

    now = timezone.now().replace(microsecond=0)
    embargo = now + dt.timedelta(hours=2)

    def whole_year(slug, kind, year, day):
        date = dt.date(year, 3, day)
        return make_document(author, slug=slug, kind=kind, fiscal_year=year, fiscal_quarter=None, document_date=date)

    for year, day in ((2024, 1), (2025, 2), (2025, 3), (2026, 4)):
        publish(whole_year(f"annual-{year}-{day}", "annual_report", year, day), author, approver)
        publish(whole_year(f"slides-{year}-{day}", "presentation", year, day), author, approver)
    publish(whole_year("proxy-2025", "proxy_statement", 2025, 9), author, approver)
    publish(make_document(author, slug="quarterly-fact-sheet", kind="fact_sheet"), author, approver)
    publish(make_document(author, slug="quarterly-results"), author, approver)
    # A draft correction making slides an annual report: the public still reads them as slides.
    moved = publish(whole_year("draft-moved", "presentation", 2025, 5), author, approver)
    document_update(actor=author, pk=moved.pk, base_version=moved.version, kind="annual_report")
    # An annual report made a presentation, and another moved to an older fiscal year, approved for the embargo.
    joining = publish(whole_year("joining", "annual_report", 2026, 6), author, approver)
    document_update(actor=author, pk=joining.pk, base_version=joining.version, kind="presentation")
    approve(Document.objects.get(pk=joining.pk), author, approver, publish_at=embargo)
    older = publish(whole_year("older", "annual_report", 2026, 7), author, approver)
    document_update(actor=author, pk=older.pk, base_version=older.version, fiscal_year=2023)
    approve(Document.objects.get(pk=older.pk), author, approver, publish_at=embargo)
    # First published at the embargo; held at a gate an hour after it; withdrawn.
    approve(whole_year("at-embargo", "other", 2026, 8), author, approver, publish_at=embargo)
    held = approve(whole_year("held", "presentation", 2026, 9), author, approver, publish_at=embargo)
    gate_opens = embargo + dt.timedelta(hours=1)
    Document.objects.filter(pk=held.pk).update(held=True, gate_opens_at=gate_opens)
    withdrawn = publish(whole_year("withdrawn", "annual_report", 2026, 10), author, approver)
    document_withdraw(document_id=withdrawn.pk, actor=approver, reason="Issued in error")

    seen = {}
    for moment in (now, embargo - dt.timedelta(seconds=1), embargo, gate_opens - dt.timedelta(seconds=1), gate_opens):
        shown = {
            "reports": [doc.document.slug for doc in reports_page(moment, None)[2]],
            "presentations": [doc.document.slug for doc in presentations_page(moment, None)[2]],
        }
        assert shown == reference_lists(moment), moment
        seen[moment] = shown
    assert seen[now] == {
        "reports": [
            "older",
            "joining",
            "annual-2026-4",
            "proxy-2025",
            "annual-2025-3",
            "annual-2025-2",
            "annual-2024-1",
        ],
        "presentations": ["slides-2026-4", "draft-moved", "slides-2025-3", "slides-2025-2", "slides-2024-1"],
    }
    assert seen[embargo] == {
        "reports": [
            "at-embargo",
            "annual-2026-4",
            "proxy-2025",
            "annual-2025-3",
            "annual-2025-2",
            "annual-2024-1",
            "older",
        ],
        "presentations": ["joining", "slides-2026-4", "draft-moved", "slides-2025-3", "slides-2025-2", "slides-2024-1"],
    }
    assert seen[gate_opens]["presentations"][0] == "held"


def reference_financials(now) -> tuple[list[int], list[tuple[int, int, str]]]:
    """The financials page's fiscal years and (year, quarter, slug) of its documents the slow way: every public
    document through the ORM, filtered and sorted in Python by the revision the public reads."""
    from reports.selectors import QUARTER_ORDER

    read = [(document, document.public_revision(now).content) for document in Document.objects.public(now)]
    rows = [(c["fiscal_year"], c["fiscal_quarter"], c["document_date"], d.pk, c["kind"], d.slug) for d, c in read
            if c["fiscal_quarter"] is not None]  # fmt: skip
    rows.sort(reverse=True)
    rows.sort(key=lambda row: (-row[0], -row[1], QUARTER_ORDER.index(row[4])))
    return sorted({row[0] for row in rows}, reverse=True), [(row[0], row[1], row[5]) for row in rows]


def test_the_financials_years_and_quarters_are_the_public_reading_at_every_moment(company, author, approver):
    from reports.selectors import financial_quarters, financial_years
    from reports.services import document_update

    now = timezone.now().replace(microsecond=0)
    embargo = now + dt.timedelta(hours=2)

    def quarterly(slug, year, quarter, kind="quarterly_results"):
        date = dt.date(year, 3 * quarter, 1)
        return make_document(author, slug=slug, kind=kind, fiscal_year=year, fiscal_quarter=quarter, document_date=date)

    for quarter in (1, 2, 3):
        publish(quarterly(f"results-2026-q{quarter}", 2026, quarter), author, approver)
        publish(quarterly(f"slides-2026-q{quarter}", 2026, quarter, kind="presentation"), author, approver)
    publish(quarterly("results-2025-q4", 2025, 4), author, approver)
    publish(make_document(author, slug="annual-2022", kind="annual_report", fiscal_year=2022, fiscal_quarter=None),
            author, approver)  # fmt: skip
    # A draft correction moving results to another quarter: the public still reads them in the third.
    moved = publish(quarterly("draft-moved", 2026, 3, kind="fact_sheet"), author, approver)
    document_update(actor=author, pk=moved.pk, base_version=moved.version, fiscal_quarter=2)
    # Results moved to an older fiscal year by a correction approved for the embargo.
    older = publish(quarterly("older", 2025, 4, kind="other"), author, approver)
    document_update(actor=author, pk=older.pk, base_version=older.version, fiscal_year=2024)
    approve(Document.objects.get(pk=older.pk), author, approver, publish_at=embargo)
    # First published at the embargo; held at a gate an hour after it; withdrawn.
    approve(quarterly("at-embargo", 2026, 4), author, approver, publish_at=embargo)
    held = approve(quarterly("held", 2027, 1), author, approver, publish_at=embargo)
    gate_opens = embargo + dt.timedelta(hours=1)
    Document.objects.filter(pk=held.pk).update(held=True, gate_opens_at=gate_opens)
    withdrawn = publish(quarterly("withdrawn", 2023, 1), author, approver)
    document_withdraw(document_id=withdrawn.pk, actor=approver, reason="Issued in error")

    seen = {}
    for moment in (now, embargo - dt.timedelta(seconds=1), embargo, gate_opens - dt.timedelta(seconds=1), gate_opens):
        years = financial_years(moment)
        shown = [
            (year, quarter.quarter, doc.document.slug)
            for year, quarters in financial_quarters(years, moment)
            for quarter in quarters
            for doc in quarter.documents
        ]
        assert (years, shown) == reference_financials(moment), moment
        seen[moment] = years, shown
    assert seen[now][0] == [2026, 2025]
    assert (2026, 3, "draft-moved") in seen[now][1] and (2025, 4, "older") in seen[now][1]
    assert seen[embargo][0] == [2026, 2025, 2024] and seen[embargo][1][0] == (2026, 4, "at-embargo")
    assert seen[gate_opens][0] == [2027, 2026, 2025, 2024] and seen[gate_opens][1][0] == (2027, 1, "held")
