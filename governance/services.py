"""Creating and editing people and committees: every save a revision, every change audited.

State changes are the workflow engine's (``governance.workflow``); these
functions change content and hand the consequences of an edit to the engine
(an edit of an approved person goes back to draft). A biography is cleaned
with the releases' allow-list on save. A photo arrives checked and re-encoded
(``company.files.check_upload`` with ``IMAGES``); it is written to storage
inside the save's transaction and deleted again if the save fails.
"""

import datetime
import secrets

from django.db import models, transaction
from django.utils.text import slugify
from django.utils.translation import gettext

from company.files import CheckedFile
from company.images import RENDITIONS
from governance.content import committee_content, person_content
from governance.models import Committee, Person, PersonPhoto
from governance.workflow import COMMITTEE, PERSON
from irportal.workflow import engine
from irportal.workflow.engine import EditConflict, WorkflowError, WorkflowSpec
from irportal.workflow.models import State
from releases.sanitize import clean_html
from reports.services import stored_files_undone_on_error

PERSON_FIELDS = (
    "slug",
    "name",
    "board_title",
    "management_title",
    "independent",
    "memberships",
    "service_start",
    "service_end",
    "biography",
    "order",
    "publish_at",
    "translations",
)
COMMITTEE_FIELDS = ("slug", "name", "description", "charter", "order", "publish_at", "translations")
PHOTO_RENDITION = "thumbnail"
assert PHOTO_RENDITION in RENDITIONS


class GovernanceError(WorkflowError):
    """A change that cannot be made; the message is written for the person who tried."""


def _free_slug(item: models.Model) -> str:
    base = slugify(item.name)[:100] or item._meta.model_name
    slug, number = base, 1
    while type(item).objects.filter(slug=slug).exclude(pk=item.pk).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _apply(item: models.Model, fields: dict, allowed: tuple[str, ...]) -> None:
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(f"{name} is not an editable {item._meta.verbose_name} field")
        setattr(item, name, value)
    if isinstance(item, Person):
        _check_person(item)
    item.slug = item.slug or _free_slug(item)
    item.full_clean(exclude=["created_by", "last_edited_by", "live_revision", "approved_revision", "photo"])
    item.save()


def _check_person(person: Person) -> None:
    if not person.board_title and not person.management_title:
        raise GovernanceError(gettext("Give a board title, a management title or both: the person is listed by them."))
    if person.service_end and person.service_end < person.service_start:
        raise GovernanceError(gettext("The end of service comes before its start."))
    person.biography = clean_html(person.biography)
    person.translations = {
        language: text | ({"biography": clean_html(text["biography"])} if "biography" in text else {})
        for language, text in (person.translations or {}).items()
    }
    seen = set()
    memberships = []
    for item in person.memberships or []:
        committee = int(item["committee"])
        if committee in seen:
            raise GovernanceError(gettext("A committee is named twice."))
        seen.add(committee)
        memberships.append({"committee": committee, "chair": bool(item.get("chair"))})
    known = set(Committee.objects.filter(pk__in=seen).exclude(status=State.WITHDRAWN).values_list("pk", flat=True))
    if seen - known:
        raise GovernanceError(
            gettext("A committee named is not there any more (withdrawn); choose the committees again.")
        )
    if memberships and not person.board_title:
        raise GovernanceError(gettext("Only board members sit on the board's committees: give a board title."))
    person.memberships = memberships


def _store_photo(person: Person, checked: CheckedFile, *, actor, stored: list) -> PersonPhoto:
    if checked.image is None:
        raise GovernanceError(gettext("A photo must be an image (JPEG, PNG or WebP)."))
    token = secrets.token_hex(16)
    width, height = checked.image.sizes[PHOTO_RENDITION]
    photo = PersonPhoto(
        person=person,
        token=token,
        width=width,
        height=height,
        sha256=checked.sha256,
        original_name=checked.original_name,
        uploaded_by=actor,
    )
    photo.image.save(f"{token}.{checked.image.extension}", checked.image.renditions[PHOTO_RENDITION], save=False)
    stored.append(photo.image.name)
    photo.save()
    return photo


def _locked_for_edit(spec: WorkflowSpec, pk: int, base_version: int | None):
    item = spec.model.objects.select_for_update().get(pk=pk)
    if base_version is not None and item.version != base_version:
        raise EditConflict(item)
    if item.status == State.WITHDRAWN:
        if spec is PERSON:
            raise GovernanceError(gettext("A withdrawn person is kept as it was; it cannot be changed."))
        raise GovernanceError(gettext("A withdrawn committee is kept as it was; it cannot be changed."))
    return item


def _create(spec: WorkflowSpec, *, actor, fields: dict, allowed, photo=None):
    engine.require_permission(spec, actor=actor, verb="add")
    with stored_files_undone_on_error() as stored, transaction.atomic():
        item = spec.model(created_by=actor, last_edited_by=actor)
        _apply(item, fields, allowed)
        if photo is not None:
            item.photo = _store_photo(item, photo, actor=actor, stored=stored)
            item.save(update_fields=["photo"])
        engine.save_first_revision(spec, item, actor=actor, content_of=CONTENT_OF[spec.kind])
    return item


def _edit(spec, *, actor, pk, base_version, fields, allowed, action="edit", note="", data=None, before=None):
    """An edit under the row lock; ``before(item, stored)`` changes what the fields do not (the photo) first."""
    engine.require_permission(spec, actor=actor, verb="change", pk=pk)
    with stored_files_undone_on_error() as stored, transaction.atomic():
        item = _locked_for_edit(spec, pk, base_version)
        fields = engine.keep_published_address(item, fields)

        def apply():
            if before is not None:
                before(item, stored)
            _apply(item, fields, allowed)

        engine.save_working_copy(
            spec,
            item,
            actor=actor,
            action=spec.action(action),
            apply=apply,
            content_of=CONTENT_OF[spec.kind],
            note=note,
            data=data,
        )
    return item


def person_create(*, actor, photo: CheckedFile | None = None, **fields) -> Person:
    """A new draft person (a director, an executive, or both)."""
    return _create(PERSON, actor=actor, fields=fields, allowed=PERSON_FIELDS, photo=photo)


def person_update(*, actor, pk: int, base_version: int | None, photo=..., **fields) -> Person:
    """Save the author's edit as a new working revision; ``photo``: a checked upload replaces the photo, ``None``
    removes it, ``...`` (the default) keeps it."""

    def change_photo(person, stored):
        if photo is not ...:
            person.photo = None if photo is None else _store_photo(person, photo, actor=actor, stored=stored)

    return _edit(
        PERSON, actor=actor, pk=pk, base_version=base_version, fields=fields, allowed=PERSON_FIELDS, before=change_photo
    )


def _restore(spec, *, actor, pk: int, number: int, fields: dict, allowed, before=None):
    return _edit(
        spec,
        actor=actor,
        pk=pk,
        base_version=None,
        fields=fields,
        allowed=allowed,
        action="restore",
        note=f"Restored from revision {number}",
        data={"restored_from": number},
        before=before,
    )


def person_restore(*, actor, pk: int, number: int) -> Person:
    """Make an older revision's content (and photo) the working copy again, as a new revision."""
    content = Person.objects.get(pk=pk).revisions.get(number=number).content
    photo = PersonPhoto.objects.filter(person_id=pk, token=(content["photo"] or {}).get("token")).first()
    fields = {name: content[name] for name in ("slug", "name", "board_title", "management_title", "independent")}
    fields |= {name: content[name] for name in ("biography", "order")}
    memberships = content["memberships"]
    fields["memberships"] = [{"committee": item["committee"], "chair": item["chair"]} for item in memberships]
    fields["service_start"] = datetime.date.fromisoformat(content["service_start"])
    end = content["service_end"]
    fields["service_end"] = datetime.date.fromisoformat(end) if end else None
    fields["translations"] = content.get("translations", {})

    def keep_photo(person, stored):
        person.photo = photo

    return _restore(PERSON, actor=actor, pk=pk, number=number, fields=fields, allowed=PERSON_FIELDS, before=keep_photo)


def committee_create(*, actor, **fields) -> Committee:
    return _create(COMMITTEE, actor=actor, fields=fields, allowed=COMMITTEE_FIELDS)


def committee_update(*, actor, pk: int, base_version: int | None, **fields) -> Committee:
    return _edit(COMMITTEE, actor=actor, pk=pk, base_version=base_version, fields=fields, allowed=COMMITTEE_FIELDS)


def committee_restore(*, actor, pk: int, number: int) -> Committee:
    content = Committee.objects.get(pk=pk).revisions.get(number=number).content
    fields = {name: content[name] for name in ("slug", "name", "description", "order")}
    fields["charter_id"] = (content["charter"] or {}).get("id")
    fields["translations"] = content.get("translations", {})
    allowed = (*COMMITTEE_FIELDS, "charter_id")
    return _restore(COMMITTEE, actor=actor, pk=pk, number=number, fields=fields, allowed=allowed)


CONTENT_OF = {PERSON.kind: person_content, COMMITTEE.kind: committee_content}
