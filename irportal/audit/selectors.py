"""Reading the audit log: filtered querysets, keyset pages and export rows.

Every read is ordered by ``sequence`` and bounded by it, so that each page is
one index-backed query however deep it is, and an export walks the log in
fixed-size chunks.
"""

import uuid
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from irportal.audit import chain, registry
from irportal.audit.models import AuditEntry, hash_payload

PAGE_SIZE = 50
EXPORT_CHUNK = 2000
_EXPORT_FIELDS = (*chain.HASHED_FIELDS, "entry_hash")


def _actor_filter(actor: str) -> Q:
    if actor in {"system", "anonymous"}:
        return Q(actor__isnull=True, actor_label=actor)
    user_id = get_user_model().objects.filter(username=actor).values_list("pk", flat=True).first()
    if user_id is not None:
        return Q(actor_id=user_id)
    # A deleted user (or a name no user has) is found by the label the entries kept.
    return Q(actor_label=actor)


def _action_filter(action: str) -> Q:
    if action.endswith(".*"):
        # An IN list of registered names keeps the (action, sequence) index usable.
        return Q(action__in=registry.action_names_with_prefix(action[:-1]))
    return Q(action=action)


def _text_filter(text: str) -> Q:
    query = (
        Q(actor_label__icontains=text)
        | Q(object_label__icontains=text)
        | Q(object_id=text)
        | Q(data__icontains=text)
        | Q(changes__icontains=text)
    )
    try:
        query |= Q(group_id=uuid.UUID(text))
    except ValueError:
        query |= Q(request_id=text)
    lowered = text.lower()
    labelled = [name for name, label in registry.registered_actions().items() if lowered in label.lower()]
    if labelled:
        query |= Q(action__in=labelled)
    return query


def filtered_entries(filters: dict) -> QuerySet:
    """Entries matching the cleaned filters of ``AuditFilterForm`` (any of them may be empty)."""
    entries = AuditEntry.objects.all()
    if filters.get("actor"):
        entries = entries.filter(_actor_filter(filters["actor"]))
    if filters.get("action"):
        entries = entries.filter(_action_filter(filters["action"]))
    if filters.get("object_type"):
        entries = entries.filter(object_type=filters["object_type"])
    if filters.get("object_id"):
        entries = entries.filter(object_id=filters["object_id"])
    if filters.get("since"):
        entries = entries.filter(timestamp__gte=filters["since"])
    if filters.get("until"):
        entries = entries.filter(timestamp__lt=filters["until"])
    if filters.get("q"):
        entries = entries.filter(_text_filter(filters["q"]))
    return entries


@dataclass
class Page:
    entries: list
    older: int | None  # pass as ``before`` for the next older page
    newer: int | None  # pass as ``after`` for the next newer page


def keyset_page(entries: QuerySet, *, before: int | None = None, after: int | None = None) -> Page:
    """One page, newest first, found by sequence number: one query whatever the depth."""
    entries = entries.defer("changes", "data", "user_agent")
    if after:
        rows = list(entries.filter(sequence__gt=after).order_by("sequence")[: PAGE_SIZE + 1])
        has_newer = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE][::-1]
        has_older = True
    else:
        if before:
            entries = entries.filter(sequence__lt=before)
        rows = list(entries.order_by("-sequence")[: PAGE_SIZE + 1])
        has_older = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        has_newer = before is not None
    for entry in rows:
        entry.action_label = registry.action_label(entry.action)
    return Page(
        entries=rows,
        older=rows[-1].sequence if rows and has_older else None,
        newer=rows[0].sequence if rows and has_newer else None,
    )


def export_records(entries: QuerySet, *, through: int, chunk_size: int = EXPORT_CHUNK):
    """Yield each entry up to sequence ``through`` as the dict the hash is computed over, plus ``entry_hash``.

    Oldest first, in chunks bounded by sequence: memory does not grow with the
    log, and entries written while the export runs are not included.
    """
    last = 0
    while True:
        rows = list(
            entries.filter(sequence__gt=last, sequence__lte=through)
            .order_by("sequence")
            .values_list(*_EXPORT_FIELDS)[:chunk_size]
        )
        if not rows:
            return
        for row in rows:
            record = hash_payload(**dict(zip(chain.HASHED_FIELDS, row[:-1], strict=True)))
            record["entry_hash"] = row[-1]
            yield record
        last = rows[-1][0]
        if len(rows) < chunk_size:
            return
