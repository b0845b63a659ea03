"""The event form and the replay-link form: what they fill in, offer, warn about and refuse."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse, reverse_lazy

from events.forms import EventForm
from events.models import Event
from events.services import EventError, event_replay_url_set, event_replay_window_change, event_update
from tests.events.builders import START, make_event
from tests.events.test_staff_views import form_data, operation_form
from tests.factories import make_company, sign_in

pytestmark = pytest.mark.django_db

END = START + timedelta(minutes=45)


NEW = reverse_lazy("console:create", kwargs={"kind": "events"})


def edit_url(event):
    return reverse("console:edit", kwargs={"kind": "events", "pk": event.pk})


def replay_link_url(event):
    return reverse("console:operation", kwargs={"kind": "events", "pk": event.pk, "operation": "replay_link"})


def create(client, **overrides):
    return client.post(NEW, form_data(**overrides))


def test_an_empty_address_is_made_from_the_title_and_kept_unique(client, author, company):
    sign_in(client, author)
    title = "Presentation at the Spring Investor Conference \N{EN DASH} Day 2"
    assert create(client, slug="", title=title).status_code == 302
    assert create(client, slug="", title=title).status_code == 302
    slugs = list(Event.objects.order_by("pk").values_list("slug", flat=True))
    assert slugs == [
        "presentation-at-the-spring-investor-conference-day-2",
        "presentation-at-the-spring-investor-conference-day-2-2",
    ]


def test_the_address_stays_editable(client, author, company):
    sign_in(client, author)
    create(client, slug="spring-2026")
    event = Event.objects.get()
    assert event.slug == "spring-2026"
    data = form_data(slug="spring-conference-2026", base_version=str(event.version))
    assert client.post(edit_url(event), data).status_code == 302
    assert Event.objects.get().slug == "spring-conference-2026"


def test_a_title_without_letters_or_digits_asks_for_an_address(client, author, company):
    sign_in(client, author)
    response = create(client, slug="", title="\N{EN DASH} & \N{EN DASH}")
    assert "no letters or digits" in " ".join(response.context["form"].errors["slug"])
    assert not Event.objects.exists()


def _help_texts(page: str) -> str:
    return " ".join(re.findall(r'<div id="id_slug_helptext"[^>]*>(.*?)</div>', page, re.S))


def test_the_address_help_shows_the_real_address(client, author, company):
    sign_in(client, author)
    new = client.get(NEW).content.decode()
    assert "/investors/events/winter-technology-conference-2026/" in _help_texts(new)
    assert "/investors/events//" not in new
    event = make_event(author, slug="winter-2026")
    edit = client.get(edit_url(event)).content.decode()
    assert "/investors/events/winter-2026/" in _help_texts(edit)


def test_the_address_field_brings_its_script_without_inline_code(client, author, company):
    sign_in(client, author)
    page = client.get(NEW).content.decode()
    assert len(re.findall(r'<script src="/static/js/slug\.js(?:\?[^"]*)?" defer></script>', page)) == 1
    assert 'data-slug-from="id_title"' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)


def _options(page: str) -> list[tuple[str, list[str]]]:
    select = re.search(r'<select name="time_zone".*?</select>', page, re.S).group(0)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    return [(label, re.findall(r'<option value="([^"]+)"', body)) for label, body in groups]


def test_the_time_zone_is_a_list_with_the_companys_zone_first(client, author, company):
    make_company(home_time_zone="Asia/Tokyo")
    sign_in(client, author)
    page = client.get(NEW).content.decode()
    (first, mine), (_, market), (_, everything) = _options(page)
    assert (first, mine) == ("The company&#x27;s zone", ["Asia/Tokyo"])
    assert market[:5] == [
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Phoenix",
        "America/Los_Angeles",
    ]
    assert "Europe/London" in market and "Asia/Tokyo" not in market
    assert "Africa/Abidjan" in everything and "America/New_York" not in everything
    assert re.search(r'<option value="Asia/Tokyo" selected>', page)


def test_an_edit_shows_the_events_own_zone_selected(client, author, company):
    event = make_event(author, time_zone="Europe/Zurich")
    sign_in(client, author)
    page = client.get(edit_url(event)).content.decode()
    assert re.search(r'<option value="Europe/Zurich" selected>', page)


def test_the_end_time_says_what_happens_without_it():
    assert "calendar entries last 60 minutes" in str(EventForm.base_fields["ends_local"].help_text)


def test_a_start_in_the_past_is_a_warning_to_confirm(client, author, company):
    with time_machine.travel(START + timedelta(days=2), tick=False):
        sign_in(client, author)
        warned = create(client)
        assert warned.status_code == 200
        assert not Event.objects.exists()
        errors = " ".join(warned.context["form"].errors["confirm_past"])
        assert "Tuesday, Dec. 8, 2026, 11:00 am EST/9:00 am MST, is in the past" in errors
        page = warned.content.decode()
        assert re.search(r'<input type="checkbox" name="confirm_past"[^>]*>', page)
        assert "Save anyway" in page
        assert create(client, confirm_past="on").status_code == 302
    assert Event.objects.get().starts_at == START


def test_an_event_already_past_is_edited_without_the_warning_until_its_start_moves(client, author, company):
    event = make_event(author)
    url = edit_url(event)
    with time_machine.travel(START + timedelta(days=2), tick=False):
        sign_in(client, author)
        data = form_data(slug=event.slug, base_version=str(event.version), description="Slides are online.")
        assert client.post(url, data).status_code == 302
        moved = form_data(slug=event.slug, base_version=str(event.version + 1), starts_local="2026-12-08T10:00")
        assert "confirm_past" in client.post(url, moved).context["form"].errors


def test_the_replay_cannot_become_available_before_the_event_starts(client, author, company):
    event = make_event(author)
    sign_in(client, author)
    response = client.post(
        replay_link_url(event),
        {"replay_url": "https://replay.example/1", "available_local": "2026-12-07T09:00"},
    )
    assert response.status_code == 400
    assert "cannot become available before the event starts (Tuesday, Dec. 8, 2026, 9:00 am MST)" in " ".join(
        operation_form(response, "replay_link").errors["available_local"]
    )
    assert Event.objects.get(pk=event.pk).replay_url == ""
    with pytest.raises(EventError, match="before the event starts"):
        event_replay_url_set(
            actor=author, pk=event.pk, replay_url="https://r.example", available_at=START - timedelta(days=1)
        )


def test_moving_the_event_after_a_set_replay_time_is_refused(client, author, company):
    event = event_replay_url_set(
        actor=author, pk=make_event(author).pk, replay_url="https://r.example", available_at=END
    )
    with pytest.raises(EventError, match="before the event starts"):
        event_update(
            actor=author, pk=event.pk, base_version=event.version, starts_at=START + timedelta(days=1), ends_at=None
        )
    sign_in(client, author)
    data = form_data(slug=event.slug, base_version=str(event.version), starts_local="2026-12-09T09:00", ends_local="")
    response = client.post(edit_url(event), data)
    assert response.status_code == 200
    assert "before the event starts" in " ".join(response.context["form"].non_field_errors())
    assert Event.objects.get(pk=event.pk).starts_at == START


def test_the_replay_window_cannot_close_before_the_event_ends(author, company):
    three_days = make_event(author, ends_at=START + timedelta(days=3))
    event = event_replay_url_set(actor=author, pk=three_days.pk, replay_url="https://r.example", available_at=START)
    with pytest.raises(EventError, match="would close before the event ends"):
        event_replay_window_change(actor=author, pk=event.pk, days=2, reason="The host keeps it two days")
    assert Event.objects.get(pk=event.pk).replay_days == 7


def test_an_upcoming_event_never_shows_an_expired_replay(client, author, approver, company):
    from tests.events.builders import published

    event = published(make_event(author), author, approver)
    with pytest.raises(EventError):
        event_replay_url_set(
            actor=approver, pk=event.pk, replay_url="https://r.example", available_at=START - timedelta(days=9)
        )
    with time_machine.travel(START - timedelta(hours=1), tick=False):
        assert "Replay expired" not in client.get(f"/investors/events/{event.slug}/").content.decode()


def test_clearing_available_from_brings_back_the_end_of_the_event(client, author, company):
    event = event_replay_url_set(
        actor=author, pk=make_event(author).pk, replay_url="https://r.example", available_at=END + timedelta(hours=3)
    )
    sign_in(client, author)
    response = client.post(replay_link_url(event), {"replay_url": "https://r.example", "available_local": ""})
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.replay_available_at_fixed, event.replay_available_at) == (False, END)
    later_end = END + timedelta(minutes=30)
    event = event_update(actor=author, pk=event.pk, base_version=event.version, ends_at=later_end)
    assert (event.replay_available_at, event.replay_expires_at) == (later_end, later_end + timedelta(days=7))


def test_clearing_a_set_time_equal_to_the_end_still_follows_the_event(author, company):
    event = event_replay_url_set(
        actor=author, pk=make_event(author).pk, replay_url="https://r.example", available_at=END
    )
    event = event_replay_url_set(actor=author, pk=event.pk, replay_url="https://r.example")
    assert Event.objects.get(pk=event.pk).replay_available_at_fixed is False
    later_end = END + timedelta(hours=1)
    assert event_update(
        actor=author, pk=event.pk, base_version=event.version, ends_at=later_end
    ).replay_available_at == (later_end)


def test_times_are_stored_in_utc_from_the_chosen_zone(client, author, company):
    sign_in(client, author)
    create(client, time_zone="Europe/Zurich", starts_local="2026-12-08T09:00", ends_local="")
    assert Event.objects.get().starts_at == datetime(2026, 12, 8, 8, 0, tzinfo=UTC)
