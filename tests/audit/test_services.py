import hashlib
import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation
from django.utils.translation import gettext_lazy

from irportal.audit import chain
from irportal.audit.context import RequestContext, activate, deactivate
from irportal.audit.models import AuditEntry
from irportal.audit.services import audit_record, diff_fields
from irportal.audit.verify import verify_chain
from tests.conftest import in_parallel, is_postgres
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_first_entry_links_to_the_genesis_hash_and_numbers_from_one():
    entry = audit_record(action="auth.login")
    assert entry.sequence == 1
    assert entry.prev_hash == chain.GENESIS_HASH
    assert entry.actor_label == "system"


def test_a_lazily_translated_text_is_written_in_the_primary_language_whatever_the_request_reads():
    weekday = gettext_lazy("Monday")  # in Django's own French catalogue
    with translation.override("fr"):
        assert str(weekday) == "lundi"
        entry = audit_record(action="auth.logout", data={"reason": weekday}, changes={"day": {"after": weekday}})
    entry.refresh_from_db()
    assert entry.data == {"reason": "Monday"}
    assert entry.changes == {"day": {"after": "Monday"}}


def test_entry_hash_is_sha256_over_the_documented_canonical_json():
    user = UserFactory()
    entry = audit_record(action="auth.login", actor=user, obj=user, data={"b": "ä", "a": [1, 2]})
    entry.refresh_from_db()
    payload = {
        "sequence": entry.sequence,
        "timestamp": entry.timestamp.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "group_id": str(entry.group_id),
        "actor_id": user.pk,
        "actor_label": user.username,
        "action": "auth.login",
        "object_type": "auth.user",
        "object_id": str(user.pk),
        "object_label": str(user),
        "changes": {},
        "data": {"a": [1, 2], "b": "ä"},
        "ip": "",
        "user_agent": "",
        "request_id": "",
        "prev_hash": chain.GENESIS_HASH,
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert entry.entry_hash == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_each_entry_links_to_the_one_before():
    first = audit_record(action="auth.login")
    second = audit_record(action="auth.logout")
    assert second.sequence == first.sequence + 1
    assert second.prev_hash == first.entry_hash


def test_unregistered_action_is_refused():
    with pytest.raises(ValueError, match="unregistered"):
        audit_record(action="releases.teleport")
    assert not AuditEntry.objects.exists()


def test_request_context_is_recorded():
    token = activate(RequestContext(ip="203.0.113.9", user_agent="Browser/1.0", request_id="req-12345678"))
    try:
        entry = audit_record(action="auth.login_failed", actor=AnonymousUser(), data={"username": "x"})
    finally:
        deactivate(token)
    assert (entry.ip, entry.user_agent, entry.request_id, entry.actor_label) == (
        "203.0.113.9",
        "Browser/1.0",
        "req-12345678",
        "anonymous",
    )


def test_values_that_jsonb_could_respell_are_stored_as_text_and_still_verify():
    audit_record(action="investors.profile_update", data={"ratio": 1e20, "price": Decimal("12.50")})
    entry = AuditEntry.objects.get()
    assert entry.data == {"ratio": "1e+20", "price": "12.50"}
    assert verify_chain([]).ok


def test_diff_fields_lists_only_what_changed():
    assert diff_fields({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {
        "b": {"before": 2, "after": 3},
        "c": {"before": None, "after": 4},
    }


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    if not is_postgres():
        pytest.skip("concurrent writers are exercised on PostgreSQL; SQLite serialises by itself")

    def write_many():
        for _ in range(20):
            audit_record(action="auth.login")

    in_parallel(*[write_many] * 4)
    assert list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True)) == list(range(1, 81))
    result = verify_chain([])
    assert result.ok, result.problem
    assert result.count == 80
