"""Creating and editing releases: every save a revision, every change audited.

State changes live in ``releases.workflow``; these functions change content
and hand the state consequences of an edit to the workflow engine.
"""

import secrets
from datetime import date

from django.db import transaction
from django.forms.models import model_to_dict

from irportal.audit.services import audit_record, diff_fields
from irportal.workflow import engine
from irportal.workflow.engine import EditConflict
from releases.content import release_content
from releases.models import Boilerplate, BoilerplateVersion, MediaContact, Release
from releases.sanitize import clean_html
from releases.workflow import RELEASE

EDITABLE_FIELDS = (
    "slug",
    "headline",
    "subheadline",
    "highlights",
    "dateline_city",
    "dateline_region",
    "release_date",
    "distribution",
    "website_only",
    "body",
    "about",
    "safe_harbor",
    "publish_at",
    "translations",
)


def _lines(lines) -> list[str]:
    return [line.strip() for line in lines if line and line.strip()]


def _apply(release: Release, fields: dict, contacts) -> None:
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"{name} is not an editable release field")
        setattr(release, name, value)
    release.body = clean_html(release.body)
    release.highlights = _lines(release.highlights)
    release.translations = {
        language: text | {"body": clean_html(text.get("body", "")), "highlights": _lines(text.get("highlights", []))}
        for language, text in release.translations.items()
    }
    release.save()
    if contacts is not None:
        release.contacts.set(contacts)


def release_create(*, actor, contacts: list[MediaContact] | None = None, **fields) -> Release:
    engine.require_permission(RELEASE, actor=actor, verb="add")
    with transaction.atomic():
        release = Release(created_by=actor, last_edited_by=actor)
        _apply(release, fields, contacts)
        engine.save_first_revision(RELEASE, release, actor=actor, content_of=release_content)
    return release


def _save_edit(release: Release, *, actor, action: str, fields: dict, contacts, note: str, data: dict):
    """Apply an edit under the row lock; a new revision only when the content changed."""
    fields = engine.keep_published_address(release, fields)
    engine.save_working_copy(
        RELEASE,
        release,
        actor=actor,
        action=action,
        apply=lambda: _apply(release, fields, contacts),
        content_of=release_content,
        note=note,
        data=data,
    )
    return release


def _permitted(actor, pk: int) -> None:
    """Checked before the transaction, so that the audited refusal is kept."""
    engine.require_permission(RELEASE, actor=actor, verb="change", pk=pk)


def _locked_for_edit(pk: int, base_version: int | None) -> Release:
    release = Release.objects.select_for_update().get(pk=pk)
    if base_version is not None and release.version != base_version:
        raise EditConflict(release)
    return release


def release_update(
    *, actor, pk: int, base_version: int | None, contacts: list[MediaContact] | None = None, **fields
) -> Release:
    """Save the author's edit; ``base_version`` is the revision the form was opened on."""
    _permitted(actor, pk)
    with transaction.atomic():
        release = _locked_for_edit(pk, base_version)
        return _save_edit(
            release, actor=actor, action="release.edit", fields=fields, contacts=contacts, note="", data={}
        )


def release_restore(*, actor, pk: int, number: int) -> Release:
    """Make an older revision's content the working copy again, as a new revision."""
    _permitted(actor, pk)
    with transaction.atomic():
        release = _locked_for_edit(pk, None)
        content = release.revisions.get(number=number).content
        fields = {
            "headline": content["headline"],
            "subheadline": content["subheadline"],
            "highlights": content["highlights"],
            "dateline_city": content["dateline"]["city"],
            "dateline_region": content["dateline"]["region"],
            "release_date": date.fromisoformat(content["dateline"]["date"]),
            "distribution": content["dateline"]["distribution"],
            "website_only": content.get("website_only", False),
            "body": content["body"],
            "about_id": (content["about"] or {}).get("version_id"),
            "safe_harbor_id": (content["safe_harbor"] or {}).get("version_id"),
            "translations": content.get("translations", {}),
        }
        release.about_id, release.safe_harbor_id = fields.pop("about_id"), fields.pop("safe_harbor_id")
        contacts = list(MediaContact.objects.filter(pk__in=[contact["id"] for contact in content["contacts"]]))
        release.images.update(removed=True)
        release.images.filter(pk__in=[image["id"] for image in content["images"]]).update(removed=False)
        release.attachments.update(removed=True)
        release.attachments.filter(pk__in=[item["id"] for item in content["attachments"]]).update(removed=False)
        return _save_edit(
            release,
            actor=actor,
            action="release.restore",
            fields=fields,
            contacts=contacts,
            note=f"Restored from revision {number}",
            data={"restored_from": number},
        )


def release_attach(*, actor, pk: int, kind: str, build) -> Release:
    """Add an image or attachment (``build(release, token)`` saves it) as a new revision."""
    _permitted(actor, pk)
    with transaction.atomic():
        release = _locked_for_edit(pk, None)
        attached = build(release, secrets.token_hex(16))
        return _save_edit(
            release,
            actor=actor,
            action="release.upload",
            fields={},
            contacts=None,
            note=f"Added {kind} {attached}",
            data={"kind": kind, "file_id": attached.pk, "name": str(attached)},
        )


def release_detach(*, actor, pk: int, kind: str, file_id: int) -> Release:
    _permitted(actor, pk)
    with transaction.atomic():
        release = _locked_for_edit(pk, None)
        related = release.images if kind == "image" else release.attachments
        item = related.get(pk=file_id)
        related.filter(pk=file_id).update(removed=True)
        return _save_edit(
            release,
            actor=actor,
            action="release.edit",
            fields={},
            contacts=None,
            note=f"Removed {kind} {item}",
            data={"removed": {"kind": kind, "file_id": file_id}},
        )


CONTACT_FIELDS = ("name", "title", "organization", "phone", "email", "audience", "order", "is_active", "translations")


def contact_save(*, actor, form) -> MediaContact:
    """Create or change a directory contact; releases keep the details they were approved with."""
    with transaction.atomic():
        before = (
            {}
            if form.instance.pk is None
            else model_to_dict(MediaContact.objects.select_for_update().get(pk=form.instance.pk), fields=CONTACT_FIELDS)
        )
        contact = form.save()
        audit_record(
            action="contact.create" if not before else "contact.update",
            actor=actor,
            obj=contact,
            changes=diff_fields(before, model_to_dict(contact, fields=CONTACT_FIELDS)),
        )
    return contact


def boilerplate_save(
    *,
    actor,
    pk: int | None,
    name: str,
    kind: str,
    title: str,
    text: str,
    is_default: bool = False,
    translations: dict | None = None,
) -> BoilerplateVersion:
    """A new boilerplate, or a new version of one; earlier versions stay as releases quoted them.

    ``translations`` holds the title and text in each secondary disclosure language:
    ``{"fr": {"title": ..., "text": ...}}``; they are versioned with the primary language's.
    """
    translations = {
        language: {"title": written["title"], "text": clean_html(written["text"])}
        for language, written in (translations or {}).items()
    }
    with transaction.atomic():
        if is_default:
            # One default per kind: the one saved as default last takes over.
            Boilerplate.objects.select_for_update().filter(kind=kind, is_default=True).exclude(pk=pk).update(
                is_default=False
            )
        if pk is None:
            boilerplate = Boilerplate.objects.create(name=name, kind=kind, is_default=is_default)
            number = 1
        else:
            boilerplate = Boilerplate.objects.select_for_update().get(pk=pk)
            boilerplate.name, boilerplate.kind, boilerplate.is_default = name, kind, is_default
            boilerplate.save()
            number = (boilerplate.latest.number if boilerplate.latest else 0) + 1
        version = BoilerplateVersion.objects.create(
            boilerplate=boilerplate,
            number=number,
            title=title,
            text=clean_html(text),
            translations=translations,
            created_by=actor,
        )
        data = {"version": number, "title": title, "text": version.text, "is_default": is_default}
        audit_record(
            action="boilerplate.version",
            actor=actor,
            obj=boilerplate,
            data=data | ({"translations": translations} if translations else {}),
        )
    return version
