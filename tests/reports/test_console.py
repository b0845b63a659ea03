"""Documents live on the one staff console: no view, list template or address of their own beyond their content."""

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from irportal.audit.models import AuditEntry
from irportal.workflow import console
from irportal.workflow.console import urls as console_urls
from reports.models import Document, DocumentFile
from tests.factories import UserFactory, sign_in
from tests.reports.builders import good_pdf, good_slides, make_document, upload
from tests.reports.test_files import create_form

pytestmark = pytest.mark.django_db

SAMPLE_KWARGS = {"pk": 7, "transition": "submit", "operation": "add_file", "token": "a" * 32, "rendition": "file",
                 "number": 1}  # fmt: skip


def console_addresses(kind_slug: str) -> dict[str, tuple[str, object]]:
    """Every console URL name that takes a kind, reversed for ``kind_slug``: (path, view it resolves to)."""
    found = {}
    for pattern in console_urls.urlpatterns:
        if "<kind:kind>" not in str(pattern.pattern):
            continue
        names = [name for name in pattern.pattern.converters if name != "kind"]
        path = reverse(f"console:{pattern.name}", kwargs={"kind": kind_slug, **{n: SAMPLE_KWARGS[n] for n in names}})
        found[pattern.name] = (path, resolve(path).func.view_class)
    return found


def every_pattern(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from every_pattern(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def test_every_console_address_reverses_for_documents_to_the_same_view_as_for_releases_and_events():
    kinds = [kind.slug for kind in console.kinds()]
    assert {"releases", "events", "documents"} <= set(kinds)
    reference = console_addresses("releases")
    assert len(reference) == 11
    for slug in kinds:
        addresses = console_addresses(slug)
        assert addresses.keys() == reference.keys()
        for name, (path, view) in addresses.items():
            assert path.startswith(f"/staff/{slug}/")
            assert view is reference[name][1], (slug, name)


def test_the_documents_kind_brings_no_staff_view_template_or_address_of_its_own():
    staff = [(route, entry) for route, entry in every_pattern() if route.startswith("staff/")]
    assert not [route for route, entry in staff if entry.callback.__module__.startswith("reports")]
    assert not [route for route, _ in staff if "document" in route]
    # Its templates: the content the public page also renders, and one review panel. No list, form or detail.
    own = sorted(
        str(path.relative_to(settings.BASE_DIR / "templates"))
        for path in Path(settings.BASE_DIR / "templates" / "staff" / "reports").iterdir()
    )
    assert own == ["staff/reports/_files.html"]
    kind = console.kind_for_slug("documents")
    assert kind.content_template == "public/reports/_document.html" and kind.review_panels == (
        "staff/reports/_files.html",
    )
    assert not (settings.BASE_DIR / "reports" / "views.py").exists()
    assert not (settings.BASE_DIR / "reports" / "urls.py").exists()


def test_an_author_creates_a_document_with_its_pdf_through_the_console(
    client, company, author, django_capture_on_commit_callbacks
):
    sign_in(client, author)
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(reverse("console:create", kwargs={"kind": "documents"}), create_form(upload(good_pdf())))
    document = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == document.get_staff_url()
    assert document.slug == "q3-fy2026-third-quarter-results"
    content = document.revisions.get().content
    assert content["period"] == {"label": "Q3 FY2026", "ends_on": "2026-09-30"}
    assert content["main_file"]["pages"] == 2 and content["filings"] == [
        {"label": "Form 10-Q", "url": "https://www.sec.gov/"}
    ]
    main = document.files.get()
    assert (main.role, main.thumbnail_state) == ("main", "pending")
    assert len(queued) >= 1  # the thumbnail task, queued once the upload is committed
    assert AuditEntry.objects.filter(action="document.create", object_id=str(document.pk)).count() == 1
    review = client.get(document.get_staff_url()).content.decode()
    assert "Thumbnail being made" in review and 'data-thumbnail-state="pending"' in review


def test_quarterly_results_need_their_quarter_and_an_annual_report_covers_the_year(client, company, author):
    sign_in(client, author)
    url = reverse("console:create", kwargs={"kind": "documents"})
    missing = client.post(url, create_form(upload(good_pdf()), fiscal_quarter=""))
    assert "Quarterly results are about one quarter" in missing.content.decode()
    annual = client.post(url, create_form(upload(good_pdf()), kind="annual_report", fiscal_quarter="4"))
    assert "An annual report covers the whole fiscal year" in annual.content.decode()
    filing = client.post(url, create_form(upload(good_pdf()), filings="Form 10-Q | javascript:alert(1)"))
    assert "is not an http:// or https:// address" in filing.content.decode()
    assert Document.objects.count() == 0


def test_replacing_the_main_pdf_makes_a_new_revision_and_keeps_the_old_file(client, company, author):
    document = make_document(author)
    old = document.files.get()
    sign_in(client, author)
    form = create_form(upload(good_slides(), "new.pdf"), slug=document.slug) | {"base_version": document.version}
    response = client.post(reverse("console:edit", kwargs={"kind": "documents", "pk": document.pk}), form)
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.version == 2
    first, second = (document.revisions.get(number=n).content["main_file"] for n in (1, 2))
    assert first["token"] == old.token and second["token"] != old.token and second["pages"] == 3
    assert DocumentFile.objects.get(pk=old.pk).removed is True


def test_supplementary_files_come_and_go_as_revisions(client, company, author):
    document = make_document(author)
    sign_in(client, author)
    add = reverse("console:operation", kwargs={"kind": "documents", "pk": document.pk, "operation": "add_file"})
    client.post(add, {"file": upload(b"line,amount\nrevenue,84.2\n", "data.csv", "text/csv"), "label": "Data"})
    stored = document.files.get(role="supplementary")
    assert (
        Document.objects.get(pk=document.pk).revisions.get(number=2).content["supplementary"][0]["token"]
        == stored.token
    )
    remove = reverse("console:operation", kwargs={"kind": "documents", "pk": document.pk, "operation": "remove_file"})
    assert client.post(remove, {"file_id": stored.pk}).status_code == 302
    assert Document.objects.get(pk=document.pk).revisions.get(number=3).content["supplementary"] == []


def test_compliance_reads_documents_and_changes_nothing(client, company, author):
    from irportal.accounts.roles import COMPLIANCE_REVIEWER

    document = make_document(author)
    reviewer = UserFactory(roles=[COMPLIANCE_REVIEWER])
    sign_in(client, reviewer)
    assert client.get(document.get_staff_url()).status_code == 200
    refused = client.post(reverse("console:create", kwargs={"kind": "documents"}), create_form(upload(good_pdf())))
    assert refused.status_code == 403
    assert Document.objects.count() == 1
    assert AuditEntry.objects.filter(action="security.permission_denied", actor_id=reviewer.pk).exists()
    assert AuditEntry.objects.filter(action="document.access", actor_id=reviewer.pk).exists()


def test_staff_downloads_are_attachments_with_a_locked_down_type(client, company, author):
    document = make_document(author)
    stored = document.files.get()
    sign_in(client, author)
    url = reverse(
        "console:file", kwargs={"kind": "documents", "pk": document.pk, "token": stored.token, "rendition": "file"}
    )
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="q3-fy2026-third-quarter-results.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == stored.sha256
    # No thumbnail yet: nothing to serve.
    thumbnail = url.replace("/file", "/thumbnail")
    assert client.get(thumbnail).status_code == 404
