import pytest

from irportal.audit import chain
from irportal.audit.models import AuditEntry
from irportal.audit.selectors import export_records, filtered_entries
from irportal.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_export_walks_in_chunks_oldest_first_and_stops_at_its_bound():
    for n in range(7):
        audit_record(action="auth.login", data={"n": n})
    records = list(export_records(AuditEntry.objects.all(), through=6, chunk_size=2))
    assert [record["sequence"] for record in records] == [1, 2, 3, 4, 5, 6]
    assert all(chain.entry_hash(record) == record["entry_hash"] for record in records)


def test_actor_filter_finds_a_deleted_user_by_the_label_the_entries_kept():
    audit_record(action="auth.login", actor_label="gone.user")
    audit_record(action="auth.login")
    assert [e.actor_label for e in filtered_entries({"actor": "gone.user"})] == ["gone.user"]


def test_text_filter_finds_one_user_action_by_its_group_id():
    entry = audit_record(action="auth.login")
    assert list(filtered_entries({"q": str(entry.group_id)})) == [entry]
