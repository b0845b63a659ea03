"""Writing to the audit log: ``audit_record`` is the only way in."""

import json
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone, translation

from irportal.audit import chain, registry
from irportal.audit.context import current_context
from irportal.audit.models import AuditEntry, object_type_of

# Key of the PostgreSQL advisory lock that serialises writers on the chain head.
CHAIN_LOCK_KEY = 0x1A0D17


def _json_value(value):
    """A JSON-native copy of ``value`` that survives a round trip through jsonb unchanged."""
    if isinstance(value, dict):
        return {str(key): _json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_value(item) for item in value]
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, float | Decimal):
        # Numbers that are not integers are kept as text: jsonb may respell them.
        return str(value)
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _actor_fields(actor) -> tuple[int | None, str]:
    if actor is None:
        return None, "system"
    if isinstance(actor, AnonymousUser) or not actor.is_authenticated:
        return None, "anonymous"
    return actor.pk, actor.get_username()


def diff_fields(before: dict, after: dict) -> dict:
    """The ``changes`` of an entry: each field whose value differs, with both values."""
    return {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def audit_record(*, action: str, actor=None, obj=None, **fields) -> AuditEntry:
    """Append one entry to the audit log, inside the caller's transaction.

    ``actor`` is a user, an anonymous user (a visitor) or None (the system).
    ``obj`` fills the object fields from a model instance; ``fields`` are the
    others ``_entry`` takes (``object_type``, ``object_id``, ``object_label``,
    ``changes``, ``data``, ``actor_label``). A lazily translated text among
    them (a refusal's reason) is written in the primary language, whatever
    the language of the request: the log reads the same for everyone.
    Writers are serialised on the chain head: a PostgreSQL advisory lock held
    until the surrounding transaction ends; SQLite takes its write lock at
    BEGIN.
    """
    entry = _entry(action=action, actor=actor, obj=obj, **fields)
    _append([entry])
    return entry


def audit_record_many(*, action: str, actor, objects, data: dict | None = None) -> list[AuditEntry]:
    """The same entry about each of ``objects`` (e.g. the unpublished items one page listed), chained in one write."""
    entries = [_entry(action=action, actor=actor, obj=obj, data=data) for obj in objects]
    if entries:
        _append(entries)
    return entries


def _entry(
    *,
    action: str,
    actor,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    changes: dict | None = None,
    data: dict | None = None,
    actor_label: str | None = None,
) -> AuditEntry:
    if not registry.is_registered(action):
        raise ValueError(f"unregistered audit action {action!r}")
    with translation.override(settings.LANGUAGE_CODE):
        if obj is not None:
            object_type = object_type_of(obj)
            object_id = str(obj.pk)
            object_label = str(obj)
        actor_id, default_label = _actor_fields(actor)
        request_context = current_context()
        return AuditEntry(
            group_id=request_context.group_id,
            actor_id=actor_id,
            actor_label=(actor_label or default_label)[:150],
            action=action,
            object_type=object_type,
            object_id=str(object_id)[:64],
            object_label=str(object_label)[:255],
            changes=_json_value(changes or {}),
            data=_json_value(data or {}),
            ip=request_context.ip,
            user_agent=request_context.user_agent,
            request_id=request_context.request_id,
        )


def _append(entries: list[AuditEntry]) -> None:
    """Chain ``entries`` after the head and insert them, holding the chain's lock."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
        head = AuditEntry.objects.order_by("-sequence").values_list("sequence", "entry_hash").first()
        sequence, prev_hash = (head[0], head[1]) if head else (0, chain.GENESIS_HASH)
        now = timezone.now()
        for entry in entries:
            sequence += 1
            entry.sequence, entry.timestamp, entry.prev_hash = sequence, now, prev_hash
            entry.entry_hash = prev_hash = entry.compute_hash()
        if len(entries) == 1:
            entries[0].save(force_insert=True)
        else:
            AuditEntry.objects.bulk_create(entries)
