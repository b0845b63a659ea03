"""Every audited class of action that exists today, driven k times through its real path, gives exactly k entries."""

from datetime import UTC

import pytest
from django.test import Client
from django.urls import reverse

from irportal.accounts.roles import COMPLIANCE_REVIEWER, IR_ADMIN, IR_APPROVER, IR_AUTHOR
from irportal.audit.context import RequestContext, activate, deactivate
from irportal.audit.models import AuditEntry
from irportal.audit.services import audit_record
from releases.checks import CODES as EVERY_WARNING
from releases.models import Release
from tests.factories import PASSWORD, UserFactory, shown_revision, sign_in

pytestmark = pytest.mark.django_db

K = 3
ADDRESS = "198.51.100.23"


def entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("sequence"))


def assert_k_entries(action, *, actor, object_type="", object_id=""):
    found = entries(action)
    assert len(found) == K, f"{action}: {len(found)} entries for {K} actions"
    for entry in found:
        assert entry.actor_id == (actor.pk if actor else None)
        assert entry.timestamp.utcoffset().total_seconds() == 0
        assert entry.timestamp.astimezone(UTC) == entry.timestamp
        assert entry.ip == ADDRESS
        assert (entry.object_type, entry.object_id) == (object_type, object_id)


@pytest.fixture
def web():
    return Client(REMOTE_ADDR=ADDRESS)


def test_sign_ins_and_sign_outs(web):
    user = UserFactory(roles=[IR_AUTHOR])
    for _ in range(K):
        web.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
        web.post(reverse("accounts:logout"))
    assert_k_entries("auth.login", actor=user, object_type="auth.user", object_id=str(user.pk))
    assert_k_entries("auth.logout", actor=user, object_type="auth.user", object_id=str(user.pk))


def test_failed_sign_ins(web):
    user = UserFactory()
    for _ in range(K):
        web.post(reverse("accounts:login"), {"username": user.username, "password": "wrong"})
    assert_k_entries("auth.login_failed", actor=None)


def test_lockouts(web):
    from django.conf import settings

    for n in range(K):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            web.post(reverse("accounts:login"), {"username": f"target{n}", "password": "wrong"})
    assert_k_entries("security.lockout", actor=None)


def test_password_changes(web):
    user = UserFactory(roles=[IR_AUTHOR])
    sign_in(web, user)
    password = PASSWORD
    for n in range(K):
        new = f"another long passphrase {n}"
        web.post(
            reverse("accounts:password_change"),
            {"old_password": password, "new_password1": new, "new_password2": new},
        )
        password = new
    assert_k_entries("auth.password_change", actor=user, object_type="auth.user", object_id=str(user.pk))


def test_role_changes(web):
    admin, target = UserFactory(roles=[IR_ADMIN]), UserFactory(roles=[IR_AUTHOR])
    sign_in(web, admin)
    for role in (IR_APPROVER, IR_AUTHOR, COMPLIANCE_REVIEWER):
        web.post(
            reverse("accounts:user_update", args=[target.pk]),
            {"first_name": "T", "last_name": "U", "email": target.email, "is_active": "on", "roles": [role]},
        )
    assert_k_entries("accounts.roles_change", actor=admin, object_type="auth.user", object_id=str(target.pk))


def test_permission_denials(web):
    author = UserFactory(roles=[IR_AUTHOR])
    sign_in(web, author)
    for url in (reverse("accounts:user_list"), reverse("audit:log"), reverse("audit:export_jsonl")):
        assert web.get(url).status_code == 403
    assert_k_entries("security.permission_denied", actor=author)


def test_explorer_openings_and_exports(web):
    reviewer = UserFactory(roles=[COMPLIANCE_REVIEWER])
    sign_in(web, reviewer)
    for _ in range(K):
        web.get(reverse("audit:log"))
    for url in ("audit:export_csv", "audit:export_jsonl", "audit:export_csv"):
        b"".join(web.get(reverse(url)).streaming_content)
    assert_k_entries("audit.log_view", actor=reviewer)
    assert_k_entries("audit.export", actor=reviewer)


def test_release_actions_through_the_console(web, company):
    from tests.releases.test_staff_views import form_data, image_upload

    author, approver = UserFactory(roles=[IR_AUTHOR]), UserFactory(roles=[IR_APPROVER])
    authoring, reviewing = Client(REMOTE_ADDR=ADDRESS), Client(REMOTE_ADDR=ADDRESS)
    sign_in(authoring, author)
    sign_in(reviewing, approver)
    for n in range(K):
        authoring.post(reverse("console:create", kwargs={"kind": "releases"}), form_data(slug=f"complete-{n}"))
    releases = list(Release.objects.order_by("pk"))
    first = releases[0]
    for n in range(K):
        authoring.post(
            reverse("console:edit", kwargs={"kind": "releases", "pk": first.pk}),
            form_data(slug=first.slug, headline=f"Edit {n}")
            | {"base_version": Release.objects.get(pk=first.pk).version},
        )
        authoring.post(
            reverse("console:operation", kwargs={"kind": "releases", "pk": first.pk, "operation": "add_image"}),
            {"image": image_upload(), "alt_text": f"Chart {n}"},
        )
        authoring.post(reverse("console:comment", kwargs={"kind": "releases", "pk": first.pk}), {"body": f"Note {n}"})
        reviewing.get(reverse("console:preview", kwargs={"kind": "releases", "pk": first.pk}))

    def act(client, release, transition, **data):
        response = client.post(
            reverse("console:transition", kwargs={"kind": "releases", "pk": release.pk, "transition": transition}), data
        )
        assert response.status_code == 302, response.content.decode()[:300]

    for release in releases:
        act(authoring, release, "submit")
        act(reviewing, release, "request_changes", comment="Tighten the lead")
        act(authoring, release, "submit")
        act(reviewing, release, "approve", acknowledge=sorted(EVERY_WARNING), **shown_revision(release))
        act(reviewing, release, "schedule", publish_at="2031-03-03T16:30")
        act(reviewing, release, "publish")
        act(reviewing, release, "withdraw", reason="Issued in error")

    expected = {
        "release.create": (K, author),
        "release.edit": (K, author),
        "release.upload": (K, author),
        "release.comment": (K, author),
        # One insider record per person, item and view within a few minutes: K previews in a row are one.
        "release.access": (1, approver),
        "release.submit": (2 * K, author),
        "release.request_changes": (K, approver),
        "release.approve": (K, approver),
        "release.schedule": (K, approver),
        "release.publish": (K, approver),
        "release.withdraw": (K, approver),
    }
    for action, (count, actor) in expected.items():
        found = entries(action)
        assert len(found) == count, f"{action}: {len(found)} entries for {count} actions"
        for entry in found:
            assert (entry.actor_id, entry.ip, entry.object_type) == (actor.pk, ADDRESS, "releases.release")
            assert entry.object_id in {str(release.pk) for release in releases}
            assert entry.timestamp.utcoffset().total_seconds() == 0


@pytest.mark.parametrize(("kind", "object_type"), [("event", "events.event")])
def test_access_to_unpublished_items(kind, object_type):
    author = UserFactory(roles=[IR_AUTHOR])
    token = activate(RequestContext(ip=ADDRESS, user_agent="Browser", request_id="r-00000001"))
    try:
        for view in ("edit", "preview", "diff"):
            audit_record(
                action=f"{kind}.access",
                actor=author,
                object_type=object_type,
                object_id="42",
                data={"view": view, "roles": [IR_AUTHOR]},
            )
    finally:
        deactivate(token)
    assert_k_entries(f"{kind}.access", actor=author, object_type=object_type, object_id="42")


def test_event_actions_through_the_console_and_the_sweep(web, company):
    import time_machine

    from events.models import Event
    from irportal.workflow.sweep import run_sweep
    from tests.events.test_staff_views import form_data

    author, approver = UserFactory(roles=[IR_AUTHOR]), UserFactory(roles=[IR_APPROVER])
    authoring, reviewing = Client(REMOTE_ADDR=ADDRESS), Client(REMOTE_ADDR=ADDRESS)
    sign_in(authoring, author)
    sign_in(reviewing, approver)
    for n in range(K + 1):
        response = authoring.post(
            reverse("console:create", kwargs={"kind": "events"}), form_data(slug=f"complete-event-{n}")
        )
        assert response.status_code == 302, response.content.decode()[:500]
    *events, looked_at = list(Event.objects.order_by("pk"))
    first = events[0]
    for n in range(K):
        response = authoring.post(
            reverse("console:edit", kwargs={"kind": "events", "pk": first.pk}),
            form_data(slug=first.slug, title=f"Presentation, take {n}")
            | {"base_version": Event.objects.get(pk=first.pk).version},
        )
        assert response.status_code == 302, response.content.decode()[:500]
        reviewing.get(reverse("console:detail", kwargs={"kind": "events", "pk": looked_at.pk}))

    def act(client, event, name, **data):
        path = {
            "replay_url": reverse(
                "console:operation", kwargs={"kind": "events", "pk": event.pk, "operation": "replay_link"}
            ),
            "replay_window": reverse(
                "console:operation", kwargs={"kind": "events", "pk": event.pk, "operation": "replay_window"}
            ),
            "cancel": reverse("console:operation", kwargs={"kind": "events", "pk": event.pk, "operation": "cancel"}),
        }.get(name) or reverse("console:transition", kwargs={"kind": "events", "pk": event.pk, "transition": name})
        response = client.post(path, data)
        assert response.status_code == 302, f"{name}: {response.status_code}"

    for event in events:
        act(authoring, event, "submit")
        act(reviewing, event, "request_changes", comment="Name the presenter's title")
        act(authoring, event, "submit")
        act(reviewing, event, "approve", **shown_revision(event))
        act(reviewing, event, "schedule", publish_at="2026-12-01T07:00")
        act(reviewing, event, "publish")
        # The event is public: its replay is the approver's to change (with the step-up publishing needs).
        act(reviewing, event, "replay_url", replay_url=f"https://webcast.example/replay/{event.pk}")
        act(reviewing, event, "replay_window", days=14, reason="The conference keeps replays for two weeks")
    act(reviewing, events[1], "cancel", reason="The conference was called off")
    act(reviewing, events[2], "withdraw", reason="Announced in error")

    expected = {
        "event.create": (K + 1, author),
        "event.edit": (K, author),
        "event.submit": (2 * K, author),
        "event.request_changes": (K, approver),
        "event.approve": (K, approver),
        "event.schedule": (K, approver),
        "event.publish": (K, approver),
        "event.replay_url_change": (K, approver),
        "event.replay_window_change": (K, approver),
        "event.cancel": (1, approver),
        "event.withdraw": (1, approver),
    }
    for action, (count, actor) in expected.items():
        found = entries(action)
        assert len(found) == count, f"{action}: {len(found)} entries for {count} actions"
        for entry in found:
            assert (entry.actor_id, entry.ip, entry.object_type) == (actor.pk, ADDRESS, "events.event")
            assert entry.timestamp.utcoffset().total_seconds() == 0
    looked = [e for e in entries("event.access") if e.object_id == str(looked_at.pk)]
    assert len(looked) == 1  # K looks within a few minutes: one insider record
    assert {(e.actor_id, e.ip) for e in looked} == {(approver.pk, ADDRESS)}

    live = Event.objects.get(pk=events[0].pk)
    with time_machine.travel(live.replay_available_at, tick=False):
        run_sweep()
    with time_machine.travel(live.replay_expires_at, tick=False):
        run_sweep()
    for action in ("event.replay_publish", "event.replay_expire"):
        found = [entry for entry in entries(action) if entry.object_id == str(live.pk)]
        assert len(found) == 1, f"{action}: {len(found)}"
        assert (found[0].actor_id, found[0].actor_label) == (None, "system")
    assert not [entry for entry in entries("event.replay_publish") if entry.object_id != str(live.pk)]
