"""Creating and editing documents and their files: every save a revision, every change audited.

State changes live in ``reports.workflow``; these functions change content
and hand the state consequences of an edit to the workflow engine (an edit
of an approved document sends it back to draft).

Files arrive already checked (``company.files.CheckedFile``): a refused
upload never gets here. A checked file is written to storage inside the
save's transaction, after the row lock and the conflict check; if anything
fails after that, the stored file is deleted again, so nothing is left
half-stored. The thumbnail of a new main PDF is asked for after the commit.
"""

import datetime
import secrets
from contextlib import contextmanager

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from company.files import CheckedFile
from company.fiscal import period_label
from irportal.workflow import engine
from irportal.workflow.engine import EditConflict, WorkflowError
from reports.content import document_content
from reports.models import GOVERNANCE_KINDS, Document, DocumentFile
from reports.workflow import DOCUMENT

EDITABLE_FIELDS = (
    "slug",
    "kind",
    "title",
    "fiscal_year",
    "fiscal_quarter",
    "document_date",
    "summary",
    "release",
    "event",
    "filings",
    "publish_at",
    "translations",
)


class DocumentError(WorkflowError):
    """A change that cannot be made; the message is written for the person who tried."""


@contextmanager
def stored_files_undone_on_error():
    """Yields a list to which saves append stored names; on any error they are deleted from storage."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


def _queue_thumbnail(file_id: int) -> None:
    from reports.tasks import make_thumbnail

    # A broker outage costs nothing: beat asks again for every thumbnail still pending (reports.thumbnails).
    transaction.on_commit(lambda: make_thumbnail.delay(file_id), robust=True)


def _store(
    document: Document, checked: CheckedFile, *, role: str, label: str, actor, stored: list, language: str = ""
) -> DocumentFile:
    token = secrets.token_hex(16)
    wants_thumbnail = role == DocumentFile.Role.MAIN and checked.format == DocumentFile.Format.PDF
    item = DocumentFile(
        document=document,
        token=token,
        role=role,
        language=language,
        format=checked.format,
        label=label[:200],
        original_name=checked.original_name,
        size=checked.size,
        sha256=checked.sha256,
        pages=checked.pages,
        formula_cells=checked.formula_cells,
        scan=checked.scan,
        uploaded_by=actor,
        thumbnail_state=DocumentFile.Thumbnail.PENDING if wants_thumbnail else DocumentFile.Thumbnail.NONE,
        thumbnail_requested_at=timezone.now() if wants_thumbnail else None,
    )
    checked.upload.seek(0)
    item.file.save(f"{token}.{checked.format}", checked.upload, save=False)
    stored.append(item.file.name)
    item.save()
    if wants_thumbnail:
        _queue_thumbnail(item.pk)
    return item


def _free_slug(document: Document) -> str:
    base = (
        slugify(f"{period_label(document.fiscal_year, document.fiscal_quarter)} {document.title}")[:100] or "document"
    )
    slug, number = base, 1
    while Document.objects.filter(slug=slug).exclude(pk=document.pk).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _apply(document: Document, fields: dict) -> None:
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"{name} is not an editable document field")
        setattr(document, name, value)
    if document.kind == Document.Kind.QUARTERLY_RESULTS and document.fiscal_quarter is None:
        raise DocumentError(gettext("Quarterly results need their quarter."))
    for filing in document.filings or []:
        if not str(filing.get("url", "")).startswith(("http://", "https://")):
            raise DocumentError(gettext("A filing's link must be an http:// or https:// address."))
    document.slug = document.slug or _free_slug(document)
    document.full_clean(exclude=["created_by", "last_edited_by"])
    document.save()


def _main_label(document: Document, title: str = "") -> str:
    title = title or document.title
    if document.kind in GOVERNANCE_KINDS:
        return title
    return f"{period_label(document.fiscal_year, document.fiscal_quarter)} {title}"


def _store_main(document: Document, checked: CheckedFile, *, language: str, translations: dict, actor, stored) -> dict:
    """The main document in ``language`` ("" for the one every language reads, the code of a secondary language
    for the one that replaces it on that language's pages), in place of the one before; the facts to audit."""
    document.files.filter(role=DocumentFile.Role.MAIN, language=language, removed=False).update(removed=True)
    label = _main_label(document, (translations.get(language) or {}).get("title", "") if language else "")
    item = _store(
        document, checked, role=DocumentFile.Role.MAIN, label=label, actor=actor, stored=stored, language=language
    )
    return {"file_id": item.pk, "sha256": item.sha256} | ({"language": language} if language else {})


def _remove_mains(document: Document, languages) -> list[dict]:
    """Take the main documents of these secondary languages out of the working copy: their pages offer the main
    document again."""
    removed = document.files.filter(role=DocumentFile.Role.MAIN, language__in=languages, removed=False)
    facts = [{"file_id": item.pk, "language": item.language, "name": item.label} for item in removed]
    removed.update(removed=True)
    return facts


def document_create(
    *, actor, main_file: CheckedFile, language_files: dict[str, CheckedFile] | None = None, **fields
) -> Document:
    """A new draft document with its main PDF, and a main PDF of its own in each language of ``language_files``."""
    engine.require_permission(DOCUMENT, actor=actor, verb="add")
    with stored_files_undone_on_error() as stored, transaction.atomic():
        document = Document(created_by=actor, last_edited_by=actor)
        _apply(document, fields)
        for language, checked in {"": main_file, **(language_files or {})}.items():
            _store_main(
                document, checked, language=language, translations=document.translations, actor=actor, stored=stored
            )
        engine.save_first_revision(DOCUMENT, document, actor=actor, content_of=document_content)
    return document


def _permitted(actor, pk: int) -> None:
    """Checked before the transaction, so that the audited refusal is kept."""
    engine.require_permission(DOCUMENT, actor=actor, verb="change", pk=pk)


def _locked_for_edit(pk: int, base_version: int | None) -> Document:
    document = Document.objects.select_for_update().get(pk=pk)
    if base_version is not None and document.version != base_version:
        raise EditConflict(document)
    if document.status == "withdrawn":
        raise DocumentError(gettext("A withdrawn document is kept as it was; it cannot be changed."))
    return document


def _save_edit(document: Document, *, actor, action: str, fields: dict, note: str, data: dict) -> Document:
    """Apply an edit under the row lock; a new revision (and its audit entry) only when the content changed."""
    fields = engine.keep_published_address(document, fields)
    engine.save_working_copy(
        DOCUMENT,
        document,
        actor=actor,
        action=action,
        apply=lambda: _apply(document, fields),
        content_of=document_content,
        note=note,
        data=data,
    )
    return document


def document_update(
    *,
    actor,
    pk: int,
    base_version: int | None,
    main_file: CheckedFile | None = None,
    language_files: dict[str, CheckedFile] | None = None,
    removed_languages=(),
    **fields,
):
    """Save the author's edit; ``main_file`` replaces the main PDF (the old one stays with older revisions),
    ``language_files`` the main PDF of a secondary language; ``removed_languages`` names the secondary languages
    whose own main PDF is taken out (their pages offer the main PDF again)."""
    _permitted(actor, pk)
    with stored_files_undone_on_error() as stored, transaction.atomic():
        document = _locked_for_edit(pk, base_version)
        translations = fields.get("translations", document.translations)
        data = {}
        if removed_languages:
            data["removed"] = _remove_mains(document, removed_languages)
        stored_mains = [
            _store_main(document, checked, language=language, translations=translations, actor=actor, stored=stored)
            for language, checked in {"": main_file, **(language_files or {})}.items()
            if checked is not None
        ]
        if len(stored_mains) == 1:
            data |= stored_mains[0]
        elif stored_mains:
            data["files"] = stored_mains
        return _save_edit(document, actor=actor, action="document.edit", fields=fields, note="", data=data)


def document_restore(*, actor, pk: int, number: int) -> Document:
    """Make an older revision's content (and files) the working copy again, as a new revision."""
    _permitted(actor, pk)
    with transaction.atomic():
        document = _locked_for_edit(pk, None)
        content = document.revisions.get(number=number).content
        in_languages = content.get("translations") or {}
        mains = [content["main_file"], *(text.get("main_file") for text in in_languages.values())]
        kept = [item["id"] for item in content["supplementary"]] + [main["id"] for main in mains if main]
        document.files.update(removed=True)
        document.files.filter(pk__in=kept).update(removed=False)
        fields = {name: content[name] for name in ("slug", "kind", "title", "fiscal_year", "fiscal_quarter", "summary")}
        fields["translations"] = {
            language: {name: text[name] for name in DOCUMENT.translatable if name in text}
            for language, text in in_languages.items()
        }
        fields.update(document_date=datetime.date.fromisoformat(content["document_date"]), filings=content["filings"])
        document.release_id = (content["release"] or {}).get("id")
        document.event_id = (content["event"] or {}).get("id")
        return _save_edit(
            document,
            actor=actor,
            action="document.restore",
            fields=fields,
            note=f"Restored from revision {number}",
            data={"restored_from": number},
        )


def document_add_file(*, actor, pk: int, checked: CheckedFile, label: str) -> DocumentFile:
    """Add a supplementary file (PDF, XLSX, CSV) as a new revision."""
    _permitted(actor, pk)
    with stored_files_undone_on_error() as stored, transaction.atomic():
        document = _locked_for_edit(pk, None)
        item = _store(document, checked, role=DocumentFile.Role.SUPPLEMENTARY, label=label, actor=actor, stored=stored)
        _save_edit(
            document,
            actor=actor,
            action="document.upload",
            fields={},
            note=f"Added {item.get_format_display()} {item.label}",
            data={"file_id": item.pk, "format": item.format, "name": item.label, "sha256": item.sha256},
        )
    return item


def document_remove_file(*, actor, pk: int, file_id: int) -> Document:
    """Take a supplementary file out of the working copy (older revisions keep it)."""
    _permitted(actor, pk)
    with transaction.atomic():
        document = _locked_for_edit(pk, None)
        item = document.files.filter(pk=file_id, role=DocumentFile.Role.SUPPLEMENTARY, removed=False).first()
        if item is None:
            raise DocumentError(gettext("That file is not part of this document any more."))
        document.files.filter(pk=file_id).update(removed=True)
        return _save_edit(
            document,
            actor=actor,
            action="document.edit",
            fields={},
            note=f"Removed {item.label}",
            data={"removed": {"file_id": file_id, "name": item.label}},
        )
