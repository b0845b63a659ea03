"""Documents on the staff console: the kind's form, content template, services and file operations."""

from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from irportal.workflow.console import Kind, Operation
from reports import files, services
from reports.content import DocumentContent, Link, Resolved
from reports.forms import DocumentForm, FileRemoveForm, SupplementaryFileForm
from reports.models import DocumentFile
from reports.workflow import DOCUMENT


def _add_file(*, actor, item, data):
    services.document_add_file(actor=actor, pk=item.pk, checked=data["file"], label=data["label"])


def _remove_file(*, actor, item, data):
    services.document_remove_file(actor=actor, pk=item.pk, file_id=data["file_id"])


def _staff_link(linked, title: str) -> Link:
    """A linked release or event on the review screen: its console page and whether the public reads it yet."""
    public_now = linked.public_revision(timezone.now()) is not None
    return Link(
        linked.get_staff_url(),
        title,
        note=gettext("public")
        if public_now
        else gettext("%(state)s, not public") % {"state": linked.get_status_display().lower()},
    )


class DocumentKind(Kind):
    workflow = DOCUMENT
    slug = "documents"
    label = pgettext_lazy("kind of content", "document")
    label_plural = pgettext_lazy("kind of content", "documents")
    date_field = "document_date"
    title_field = "title"
    search_fields = ("title", "slug", "summary")
    form_class = DocumentForm
    content_template = "public/reports/_document.html"
    nav_order = 15
    review_panels = ("staff/reports/_files.html",)
    diff_labels = {
        "title": pgettext_lazy("of a document", "Title"),
        "kind": _("Kind"),
        "period": _("Fiscal period"),
        "document_date": _("Date"),
        "slug": _("Address"),
        "summary": _("Summary"),
        "main_file": _("Main document"),
        "supplementary": _("Supplementary files"),
        "release": _("Results release"),
        "event": _("Results event"),
        "filings": _("Filings"),
    }
    operations = (
        Operation(
            "add_file",
            _("Add a supplementary file"),
            SupplementaryFileForm,
            _add_file,
            _("The file was added as a new revision."),
            multipart=True,
        ),
        Operation(
            "remove_file",
            _("Remove a file"),
            FileRemoveForm,
            _remove_file,
            _("The file was removed from the document (kept with older revisions)."),
            template="",  # each file's Remove button is in the files panel
        ),
    )

    def form(self, data=None, files=None, *, item=None):
        if item is not None:
            return DocumentForm(data, files, instance=item)
        return DocumentForm(data, files, initial=DocumentForm.initial_for_new())

    def create(self, *, actor, form, translations):
        return services.document_create(
            actor=actor,
            main_file=form.cleaned_data["main_file"],
            language_files=form.language_files(),
            translations=translations,
            **form.service_fields(),
        )

    def update(self, *, actor, item, form, base_version, translations):
        return services.document_update(
            actor=actor,
            pk=item.pk,
            base_version=base_version,
            main_file=form.cleaned_data["main_file"],
            language_files=form.language_files(),
            removed_languages=form.removed_languages(),
            translations=translations,
            **form.service_fields(),
        )

    def restore(self, *, actor, item, number):
        return services.document_restore(actor=actor, pk=item.pk, number=number)

    def document(self, item, revision, *, now):
        content = revision.content
        release, event = item.release, item.event
        resolved = Resolved(
            files={stored.token: stored for stored in item.files.all()},
            release=_staff_link(release, (content["release"] or {}).get("headline", "")) if release else None,
            event=_staff_link(event, (content["event"] or {}).get("title", "")) if event else None,
        )
        return DocumentContent(content, document=item, file_base=self.url("detail", item) + "files/", resolved=resolved)

    def field_text(self, name, value):
        if name == "period" and value:
            return gettext("%(period)s (ends %(date)s)") % {"period": value["label"], "date": value["ends_on"]}
        if name == "main_file" and value:
            return ngettext(
                "%(file)s, %(pages)s page, SHA-256 %(sha256)s",
                "%(file)s, %(pages)s pages, SHA-256 %(sha256)s",
                value["pages"] or 0,
            ) % {"file": value["label"], "pages": value["pages"], "sha256": value["sha256"]}
        if name == "supplementary":
            return "\n".join(f"{item['label']} ({item['format'].upper()}, SHA-256 {item['sha256']})" for item in value)
        if name == "release" and value:
            return value["headline"]
        if name == "event" and value:
            return value["title"]
        if name == "filings":
            return "\n".join(f"{filing['label']}: {filing['url']}" for filing in value or [])
        return None

    def serve_file(self, item, token, rendition):
        stored = DocumentFile.objects.filter(document=item, token=token).first()
        return files.serve(stored, rendition, private=True) if stored is not None else None
