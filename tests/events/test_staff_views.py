import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from events.models import Event
from irportal.accounts.roles import COMPLIANCE_REVIEWER, IR_ADMIN, IR_APPROVER, IR_AUTHOR
from irportal.audit.models import AuditEntry
from irportal.workflow.models import State
from tests.events.builders import START, make_event, published
from tests.factories import UserFactory, shown_revision, sign_in, totp_code

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "slug": "spring-investor-conference",
        "title": "Presentation at the Spring Investor Conference",
        "kind": "conference",
        "organizer": "Spring Investor Conference",
        "time_zone": "America/Phoenix",
        "starts_local": "2026-12-08T09:00",
        "ends_local": "2026-12-08T09:45",
        "location": "Scottsdale, Ariz.",
        "presenters": "Ingrid Halvorsen, President and CEO\nTomas Brandt, Chief Financial Officer",
        "webcast_url": "https://webcast.example/hlvi/spring",
        "description": "",
        "replay_days": "7",
    }
    return data | overrides


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(IR_AUTHOR, True), (IR_APPROVER, True), (COMPLIANCE_REVIEWER, True), (IR_ADMIN, True), (None, False)],
)
def test_the_event_list_is_for_staff_roles_only(client, company, role, allowed):
    sign_in(client, UserFactory(roles=[role] if role else []))
    response = client.get(reverse("console:list", kwargs={"kind": "events"}))
    assert response.status_code == (200 if allowed else 403)
    if not allowed:
        assert AuditEntry.objects.filter(action="security.permission_denied").exists()


@pytest.mark.parametrize("role", [IR_APPROVER, COMPLIANCE_REVIEWER])
def test_only_authors_create_events(client, company, role):
    sign_in(client, UserFactory(roles=[role]))
    assert client.post(reverse("console:create", kwargs={"kind": "events"}), form_data()).status_code == 403
    assert not Event.objects.exists()


def test_an_author_creates_an_event_in_its_own_zone(client, author, company):
    sign_in(client, author)
    response = client.post(reverse("console:create", kwargs={"kind": "events"}), form_data())
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == event.get_staff_url()
    assert (event.starts_at, event.ends_at) == (START, START + timedelta(minutes=45))
    assert event.presenters[1] == {"name": "Tomas Brandt", "title": "Chief Financial Officer"}
    assert (event.status, event.replay_days) == (State.DRAFT, 7)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_local": "2026-12-08T08:00"}, "ends_local", "The event cannot end before it starts."),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "is not a known time zone"),
        ({"time_zone": "../../etc/passwd"}, "time_zone", "is not a known time zone"),
        ({"replay_days": "0"}, "replay_days", "greater than or equal to 1"),
        ({"replay_days": "366"}, "replay_days", "less than or equal to 365"),
        ({"webcast_url": "ftp://webcast.example/x"}, "webcast_url", "http:// or https://"),
        ({"starts_local": "next Tuesday"}, "starts_local", "Enter a date and time"),
        (
            {"time_zone": "America/New_York", "starts_local": "2027-03-14T02:30", "ends_local": ""},
            "starts_local",
            "does not exist in America/New_York",
        ),
    ],
)
def test_bad_input_is_a_form_error_not_a_server_error(client, author, company, overrides, field, message):
    sign_in(client, author)
    response = client.post(reverse("console:create", kwargs={"kind": "events"}), form_data(**overrides))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not Event.objects.exists()


@pytest.fixture
def event(author, company):
    return make_event(author)


def operation_form(response, name):
    """The form of one of the event's operations on the review screen the response rendered."""
    return next(entry["form"] for entry in response.context["operations"] if entry["operation"].name == name)


@pytest.mark.parametrize("url", ["ftp://replay.example/x", "javascript:alert(1)", "not a link"])
def test_a_replay_link_that_is_not_http_is_a_form_error(client, author, event, url):
    sign_in(client, author)
    response = client.post(
        reverse("console:operation", kwargs={"kind": "events", "pk": event.pk, "operation": "replay_link"}),
        {"replay_url": url},
    )
    assert response.status_code == 400
    assert operation_form(response, "replay_link").errors["replay_url"]
    assert Event.objects.get(pk=event.pk).replay_url == ""


@pytest.mark.parametrize(("days", "reason"), [("0", "shorter"), ("400", "longer"), ("14", "")])
def test_a_bad_window_change_is_a_form_error(client, author, event, days, reason):
    sign_in(client, author)
    response = client.post(
        reverse("console:operation", kwargs={"kind": "events", "pk": event.pk, "operation": "replay_window"}),
        {"days": days, "reason": reason},
    )
    assert response.status_code == 400
    assert operation_form(response, "replay_window").errors
    assert Event.objects.get(pk=event.pk).replay_days == 7


def test_the_window_change_through_the_page_is_audited_with_its_reason(client, author, approver, event):
    published(event, author, approver)
    sign_in(client, approver)
    response = client.post(
        reverse("console:operation", kwargs={"kind": "events", "pk": event.pk, "operation": "replay_window"}),
        {"days": "14", "reason": "Requested by the host"},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="event.replay_window_change")
    assert (entry.actor_id, entry.data["reason"]) == (approver.pk, "Requested by the host")
    assert Event.objects.get(pk=event.pk).status == State.PUBLISHED


def test_an_approver_cancels_through_the_page_and_an_author_cannot(client, author, approver, event):
    published(event, author, approver)
    sign_in(client, author)
    assert (
        client.post(
            reverse("console:operation", kwargs={"kind": "events", "pk": event.pk, "operation": "cancel"}),
            {"reason": "x"},
        ).status_code
        == 403
    )
    sign_in(client, approver)
    response = client.post(
        reverse("console:operation", kwargs={"kind": "events", "pk": event.pk, "operation": "cancel"}),
        {"reason": "Host cancelled"},
    )
    assert response.status_code == 302
    assert Event.objects.get(pk=event.pk).cancelled_reason == "Host cancelled"


def test_an_edit_from_a_stale_form_is_refused_with_409(client, author, event):
    sign_in(client, author)
    data = form_data(slug=event.slug, base_version=str(event.version))
    assert client.post(reverse("console:edit", kwargs={"kind": "events", "pk": event.pk}), data).status_code == 302
    response = client.post(
        reverse("console:edit", kwargs={"kind": "events", "pk": event.pk}), data | {"title": "Another title"}
    )
    assert response.status_code == 409
    assert Event.objects.get(pk=event.pk).title == "Presentation at the Spring Investor Conference"


def test_the_buttons_run_the_workflow_and_the_disclosure_check_says_what_is_missing(client, author, approver, company):
    event = make_event(author, webcast_url="")
    sign_in(client, author)
    client.post(reverse("console:transition", kwargs={"kind": "events", "pk": event.pk, "transition": "submit"}))
    sign_in(client, approver)
    page = client.get(event.get_staff_url()).content.decode()
    assert "The webcast access link is missing" in page
    response = client.post(
        reverse("console:transition", kwargs={"kind": "events", "pk": event.pk, "transition": "approve"}),
        shown_revision(event),
        follow=True,
    )
    assert "Cannot approve yet: the webcast access link is missing" in response.content.decode()
    assert Event.objects.get(pk=event.pk).status == State.IN_REVIEW
    client.post(
        reverse("console:transition", kwargs={"kind": "events", "pk": event.pk, "transition": "request_changes"}),
        {"comment": "Add the link"},
    )
    assert Event.objects.get(pk=event.pk).status == State.DRAFT


def test_approving_with_the_embargo_left_empty_says_the_event_is_not_public(client, author, approver, company):
    event = make_event(author)
    sign_in(client, author)
    client.post(reverse("console:transition", kwargs={"kind": "events", "pk": event.pk, "transition": "submit"}))
    sign_in(client, approver)
    review = client.get(event.get_staff_url()).content.decode()
    assert "(optional embargo)" not in review
    assert "Left empty, approval does not publish it: it waits, not public, until someone schedules it" in review
    response = client.post(
        reverse("console:transition", kwargs={"kind": "events", "pk": event.pk, "transition": "approve"}),
        shown_revision(event),
        follow=True,
    )
    assert "The event is now approved. It is not public: schedule it or publish it now." in (response.content.decode())
    assert not Event.objects.public(datetime.now(UTC)).filter(pk=event.pk).exists()


def test_an_author_cannot_approve_through_the_page(client, author, event):
    sign_in(client, author)
    client.post(reverse("console:transition", kwargs={"kind": "events", "pk": event.pk, "transition": "submit"}))
    assert (
        client.post(
            reverse("console:transition", kwargs={"kind": "events", "pk": event.pk, "transition": "approve"})
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("console:transition", kwargs={"kind": "events", "pk": event.pk, "transition": "nonsense"})
        ).status_code
        == 404
    )


def test_staff_views_of_an_unpublished_event_are_insider_access_records(client, author, approver, event):
    sign_in(client, approver)
    client.get(event.get_staff_url())
    sign_in(client, author)
    client.get(reverse("console:edit", kwargs={"kind": "events", "pk": event.pk}))
    views = [(entry.actor_id, entry.data["view"]) for entry in AuditEntry.objects.filter(action="event.access")]
    assert sorted(views) == sorted([(approver.pk, "detail"), (author.pk, "edit")])
    published(event, author, approver)
    client.get(event.get_staff_url())
    assert AuditEntry.objects.filter(action="event.access").count() == 2


def test_the_dashboard_shows_webcasts_and_replays_closing_within_two_days(client, author, approver, company):
    going_live = published(make_event(author, title="Going live soon"), author, approver)
    expiring = published(
        make_event(
            author,
            title="Expiring soon",
            starts_at=START - timedelta(days=6, hours=12),
            replay_url="https://webcast.example/hlvi/replay",
        ),
        author,
        approver,
    )
    later = published(make_event(author, title="Much later", starts_at=START + timedelta(days=60)), author, approver)
    with time_machine.travel(START - timedelta(days=1), tick=False):
        sign_in(client, author)
        page = client.get(reverse("accounts:console")).content.decode()
    panel = page.split('data-panel="webcasts"')[1].split("</section>")[0]
    webcasts, closing = panel.split('data-testid="replays-closing"')
    assert going_live.title in webcasts and expiring.title not in webcasts and later.title not in webcasts
    assert expiring.title in closing and going_live.title not in closing


def test_the_calendar_shows_the_month_and_refuses_a_bad_month(client, author, event):
    sign_in(client, author)
    page = client.get(reverse("console:calendar"), {"month": "2026-12"}).content.decode()
    assert "December 2026" in page and event.title in page
    for month in ("2026-13", "0001-01", "9999-12", "december"):
        assert client.get(reverse("console:calendar"), {"month": month}).status_code == 400


def test_an_unknown_event_is_a_404_in_the_console(client, author):
    sign_in(client, author)
    assert client.get(reverse("console:detail", kwargs={"kind": "events", "pk": 999999})).status_code == 404


def test_times_are_stored_in_utc(author, company):
    event = make_event(author, starts_at=datetime(2026, 7, 1, 16, 0, tzinfo=UTC))
    assert Event.objects.get(pk=event.pk).starts_at.utcoffset() == timedelta(0)


def test_an_approver_schedules_an_approved_event_and_it_goes_public_at_that_time(client, company, author, approver):
    from events.workflow import event_approve, event_submit

    event = make_event(author)
    event_submit(event_id=event.pk, actor=author)
    event_approve(event_id=event.pk, actor=approver)
    sign_in(client, approver)
    url = reverse("console:transition", kwargs={"kind": "events", "pk": event.pk, "transition": "schedule"})
    assert client.post(url, {"publish_at": "next tuesday"}).status_code == 400
    response = client.post(url, {"publish_at": "2026-12-01T07:00"})
    assert response.status_code == 302
    event.refresh_from_db()
    # 7:00 am in New York (the company's home zone here) is 12:00 UTC.
    assert event.publish_at == datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    with time_machine.travel(event.publish_at - timedelta(seconds=1), tick=False):
        assert client.get(f"/investors/events/{event.slug}/").status_code == 404
    with time_machine.travel(event.publish_at, tick=False):
        assert client.get(f"/investors/events/{event.slug}/").status_code == 200


def test_the_calendar_says_an_events_time_once(client, author, event):
    sign_in(client, author)
    page = client.get(reverse("console:calendar"), {"month": "2026-12"}).content.decode()
    entry = re.search(r'<li class="mb-1" data-entry="event">(.*?)</li>', page, re.S).group(1)
    text = " ".join(re.sub(r"<[^>]+>", " ", entry).split())
    assert text.endswith("11:00 am EST Presentation at the Winter Technology Conference (9:00 am MST local)")
    assert text.count("11:00 am EST") == 1


def test_the_replay_link_is_saved_by_a_button_that_says_so(client, author, event):
    sign_in(client, author)
    page = client.get(event.get_staff_url()).content.decode()
    section = page.split('data-operation="replay_link"')[1].split("</section>")[0]
    assert re.search(r'<button[^>]*type="submit">Save the replay link</button>', section)
    client.post(
        reverse("console:operation", kwargs={"kind": "events", "pk": event.pk, "operation": "replay_link"}),
        {"replay_url": "https://replay.example/spring", "available_local": "2026-12-08T10:15"},
    )
    event.refresh_from_db()
    assert event.replay_available_at == datetime(2026, 12, 8, 17, 15, tzinfo=UTC)


def test_every_datetime_field_of_the_console_takes_the_same_precision(client, author, approver, company):
    """Whole minutes, as the server keeps them: no field offers seconds that another does not."""
    event = make_event(author)
    sign_in(client, author)
    client.post(reverse("console:transition", kwargs={"kind": "events", "pk": event.pk, "transition": "submit"}))
    pages = [client.get(reverse("console:create", kwargs={"kind": kind})).content.decode() for kind in KINDS]
    pages.append(client.get(event.get_staff_url()).content.decode())  # the replay link's "Available from"
    sign_in(client, approver)
    pages.append(client.get(event.get_staff_url()).content.decode())  # the approve form's embargo
    inputs = [field for page in pages for field in re.findall(r"<input[^>]*datetime-local[^>]*>", page)]
    assert len(inputs) >= 5
    assert [field for field in inputs if "step=" in field] == []


KINDS = ("events", "releases")


def test_the_sort_offers_each_order_once_in_words(client, author, company):
    sign_in(client, author)
    page = client.get(reverse("console:list", kwargs={"kind": "events"})).content.decode()
    select = re.search(r'<select name="ordering".*?</select>', page, re.S).group(0)
    options = [" ".join(option.split()) for option in re.findall(r"<option[^>]*>(.*?)</option>", select, re.S)]
    assert options == [
        "Last change, newest first",
        "Last change, oldest first",
        "Embargo, soonest first",
        "Embargo, latest first",
        "Created, newest first",
        "Created, oldest first",
    ]


def replay_link_url(event):
    return reverse("console:operation", kwargs={"kind": "events", "pk": event.pk, "operation": "replay_link"})


def test_an_author_cannot_repoint_or_clear_a_live_events_replay_link_through_the_page(client, author, approver, event):
    published(event, author, approver)
    sign_in(client, approver)
    client.post(replay_link_url(event), {"replay_url": "https://replay.example/hlvi"}, follow=False)
    sign_in(client, author)
    for data in ({"replay_url": "https://attacker.example/replay"}, {}):
        assert client.post(replay_link_url(event), data).status_code == 403
    assert Event.objects.get(pk=event.pk).replay_url == "https://replay.example/hlvi"
    denials = AuditEntry.objects.filter(action="security.permission_denied", actor_id=author.pk)
    assert denials.count() == 2


def test_a_live_events_replay_link_asks_the_approver_for_a_fresh_factor(client, author, approver, event):
    published(event, author, approver)
    sign_in(client, approver, verified_at=datetime.now(UTC) - timedelta(minutes=10))
    response = client.post(replay_link_url(event), {"replay_url": "https://replay.example/hlvi"})
    assert response.status_code == 403 and 'name="second_factor_code"' in response.content.decode()
    assert Event.objects.get(pk=event.pk).replay_url == ""
    assert AuditEntry.objects.filter(action="security.step_up_required", actor_id=approver.pk).count() == 1
    device = TOTPDevice.objects.get(user=approver)
    response = client.post(
        replay_link_url(event), {"replay_url": "https://replay.example/hlvi", "second_factor_code": totp_code(device)}
    )
    assert response.status_code == 302
    assert Event.objects.get(pk=event.pk).replay_url == "https://replay.example/hlvi"


def test_cancelling_through_the_page_asks_for_a_fresh_factor(client, author, approver, event):
    published(event, author, approver)
    sign_in(client, approver, verified_at=datetime.now(UTC) - timedelta(minutes=10))
    url = reverse("console:operation", kwargs={"kind": "events", "pk": event.pk, "operation": "cancel"})
    response = client.post(url, {"reason": "Host cancelled"})
    assert response.status_code == 403 and 'value="Host cancelled"' in response.content.decode()
    assert not Event.objects.get(pk=event.pk).is_cancelled
