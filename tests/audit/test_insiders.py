from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth.models import Permission

from irportal.accounts.roles import IR_ADMIN, IR_APPROVER, IR_AUTHOR
from irportal.audit.insiders import insider_list, insider_list_index, permanent_insiders
from irportal.audit.services import audit_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def access(user, object_id="1", view="edit", roles=(IR_AUTHOR,), kind="release", at=None):
    object_type = {"release": "releases.release", "event": "events.event"}[kind]
    with time_machine.travel(at or datetime(2026, 4, 1, 9, 0, tzinfo=UTC), tick=False):
        return audit_record(
            action=f"{kind}.access",
            actor=user,
            object_type=object_type,
            object_id=object_id,
            object_label=f"Q1 results ({object_id})",
            data={"view": view, "roles": list(roles)},
        )


def publish(object_id="1", kind="release"):
    object_type = {"release": "releases.release", "event": "events.event"}[kind]
    return audit_record(action=f"{kind}.publish", object_type=object_type, object_id=object_id)


def test_one_row_per_person_with_first_and_last_access_and_what_they_opened():
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    access(alice, view="edit", at=datetime(2026, 4, 1, 9, 0, tzinfo=UTC))
    access(bob, view="preview", roles=[IR_APPROVER], at=datetime(2026, 4, 1, 10, 0, tzinfo=UTC))
    access(alice, view="diff", at=datetime(2026, 4, 2, 8, 30, tzinfo=UTC))
    result = insider_list("releases.release", "1")
    rows = [(p.actor_label, p.roles, p.first_access, p.last_access, p.accesses, p.views) for p in result.insiders]
    assert rows == [
        (
            "alice",
            [IR_AUTHOR],
            datetime(2026, 4, 1, 9, 0, tzinfo=UTC),
            datetime(2026, 4, 2, 8, 30, tzinfo=UTC),
            2,
            ["edit", "diff"],
        ),
        (
            "bob",
            [IR_APPROVER],
            datetime(2026, 4, 1, 10, 0, tzinfo=UTC),
            datetime(2026, 4, 1, 10, 0, tzinfo=UTC),
            1,
            ["preview"],
        ),
    ]
    assert not result.closed
    assert result.object_label == "Q1 results (1)"


def test_other_items_do_not_leak_into_a_list():
    access(UserFactory(username="alice"), object_id="1")
    access(UserFactory(username="carol"), object_id="2")
    access(UserFactory(username="dave"), object_id="1", kind="event")
    assert [p.actor_label for p in insider_list("releases.release", "1").insiders] == ["alice"]


def test_publication_closes_the_list_and_later_accesses_do_not_change_it():
    alice = UserFactory(username="alice")
    access(alice)
    closing = publish()
    before = insider_list("releases.release", "1")
    access(UserFactory(username="latecomer"))
    access(alice, view="history", at=datetime(2026, 5, 1, tzinfo=UTC))
    publish()  # a correction published later does not reopen or move the list
    after = insider_list("releases.release", "1")
    assert after.closed_by.sequence == closing.sequence
    assert [(p.actor_label, p.last_access, p.views) for p in after.insiders] == [
        (p.actor_label, p.last_access, p.views) for p in before.insiders
    ]
    assert [p.actor_label for p in after.insiders] == ["alice"]


def test_event_lists_close_at_the_event_publication():
    access(UserFactory(username="erin"), kind="event", object_id="4")
    publish(object_id="4", kind="event")
    assert insider_list("events.event", "4").closed


def test_index_lists_each_item_with_people_and_status():
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    access(alice, object_id="1")
    access(bob, object_id="1")
    access(alice, object_id="2")
    publish(object_id="1")
    index = {(item.object_type, item.object_id): item for item in insider_list_index()}
    assert (index[("releases.release", "1")].people, index[("releases.release", "1")].accesses) == (2, 2)
    assert index[("releases.release", "1")].closed_by is not None
    assert index[("releases.release", "2")].closed_by is None


def test_users_without_a_role_that_opens_unpublished_items_are_not_permanent_insiders():
    UserFactory(username="nobody")
    UserFactory(username="admin", roles=[IR_ADMIN])
    assert {insider.user.username for insider in permanent_insiders()} == {"admin"}


@pytest.fixture
def view_release_permission():
    return Permission.objects.get(content_type__app_label="releases", codename="view_release")


def test_permanent_insiders_are_the_users_whose_role_opens_every_item(view_release_permission):
    author = UserFactory(username="author", roles=[IR_AUTHOR])
    UserFactory(username="inactive", roles=[IR_AUTHOR], is_active=False)
    UserFactory(username="approver", roles=[IR_APPROVER])
    direct = UserFactory(username="direct")
    direct.user_permissions.add(view_release_permission)
    insiders = {p.user.username: p for p in permanent_insiders()}
    assert set(insiders) == {"author", "approver", "direct"}
    assert insiders["author"].roles == [IR_AUTHOR]
    assert insiders["author"].permissions == [
        "events.view_event",
        "governance.view_committee",
        "governance.view_person",
        "packages.view_package",
        "releases.view_release",
        "reports.view_document",
    ]
    assert insiders["direct"].roles == []
    assert author.pk == insiders["author"].user.pk


def test_the_list_closes_at_the_moment_the_item_became_public_not_when_the_sweep_wrote_it():
    alice, bob, carol = (UserFactory(username=name) for name in ("alice", "bob", "carol"))
    public_from = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
    access(alice, at=datetime(2026, 4, 1, 9, 0, tzinfo=UTC))
    access(carol, at=public_from)  # the very moment it became public
    access(bob, at=datetime(2026, 4, 1, 9, 45, tzinfo=UTC))  # public already, before the sweep wrote it down
    with time_machine.travel(datetime(2026, 4, 1, 10, 0, tzinfo=UTC), tick=False):
        audit_record(
            action="release.publish",
            object_type="releases.release",
            object_id="1",
            data={"by": "sweep", "published_at": public_from.isoformat()},
        )
    result = insider_list("releases.release", "1")
    assert [p.actor_label for p in result.insiders] == ["alice"]
    assert result.closed_at == public_from
    summary = {(item.object_type, item.object_id): item for item in insider_list_index()}[("releases.release", "1")]
    assert (summary.people, summary.accesses, summary.last_access, summary.closed_at) == (
        1,
        1,
        datetime(2026, 4, 1, 9, 0, tzinfo=UTC),
        public_from,
    )


def test_the_index_counts_what_the_lists_count():
    alice = UserFactory(username="alice")
    access(alice, object_id="1")
    publish(object_id="1")
    access(UserFactory(username="latecomer"), object_id="1", at=datetime(2026, 5, 1, tzinfo=UTC))
    access(alice, object_id="2")
    index = {(item.object_type, item.object_id): item for item in insider_list_index()}
    assert (index[("releases.release", "1")].people, index[("releases.release", "1")].accesses) == (1, 1)
    assert (index[("releases.release", "2")].people, index[("releases.release", "2")].accesses) == (1, 1)


def test_an_embargoed_release_published_by_a_late_sweep_closes_its_list_at_the_embargo(client):
    from irportal.workflow.tasks import sweep
    from releases.checks import CODES as EVERY_WARNING
    from releases.workflow import release_approve, release_submit
    from tests.factories import make_approval_step, make_company, make_release, sign_in

    make_company()
    make_approval_step()
    author, approver = UserFactory(roles=[IR_AUTHOR]), UserFactory(roles=[IR_APPROVER])
    embargo = datetime(2026, 11, 30, 21, 30, tzinfo=UTC)
    with time_machine.travel(datetime(2026, 11, 30, 18, 0, tzinfo=UTC), tick=False):
        release = make_release(author)
        release_submit(release_id=release.pk, actor=author)
        release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver, publish_at=embargo)
        sign_in(client, approver)
        assert client.get(release.get_staff_url()).status_code == 200
    # Read while still embargoed on the reader's side, written down a moment after the embargo passed.
    access(author, object_id=str(release.pk), view="preview", at=datetime(2026, 11, 30, 21, 30, 2, tzinfo=UTC))
    with time_machine.travel(datetime(2026, 11, 30, 21, 31, tzinfo=UTC), tick=False):
        sweep()
    result = insider_list("releases.release", str(release.pk))
    assert result.closed_at == embargo
    assert result.closed_by.timestamp == datetime(2026, 11, 30, 21, 31, tzinfo=UTC)
    assert [p.actor_label for p in result.insiders] == [approver.username]
