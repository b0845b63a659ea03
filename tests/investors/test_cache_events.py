"""Cached event pages never keep a replay link past its window, nor show one before it opens."""

import datetime as dt
import re

import pytest
import time_machine

from tests.events.builders import make_event, published

pytestmark = pytest.mark.django_db

REPLAY = "https://webcast.example/hlvi/winter-replay"
EVENT_PAGES = ["/investors/", "/investors/events/", "/investors/events.ics"]


@pytest.fixture
def replay_event(company, author, approver):
    return published(make_event(author, replay_url=REPLAY), author, approver)


def text(response) -> str:
    """The page, with calendar lines unfolded (RFC 5545 folds them at 75 octets)."""
    return response.content.decode().replace("\r\n ", "")


def s_maxage(response) -> int:
    return int(re.search(r"s-maxage=(\d+)", response["Cache-Control"])[1])


@pytest.mark.parametrize("path", [*EVENT_PAGES, "detail"])
def test_a_cached_page_drops_the_replay_link_the_second_its_window_closes(client, replay_event, path, public_cache):
    path = replay_event.get_absolute_url() if path == "detail" else path
    expires = replay_event.replay_expires_at
    with time_machine.travel(expires - dt.timedelta(seconds=1), tick=False):
        response = client.get(path)
        assert REPLAY in text(response)
        assert s_maxage(response) <= 1
        assert REPLAY in text(client.get(path))
    # No sweep, no invalidation: the copy made a second before ends with the window.
    with time_machine.travel(expires, tick=False):
        assert REPLAY not in text(client.get(path))


@pytest.mark.parametrize("path", EVENT_PAGES)
def test_a_cached_page_shows_no_replay_link_before_the_window_opens(client, replay_event, path, public_cache):
    opens = replay_event.replay_available_at
    with time_machine.travel(opens - dt.timedelta(seconds=1), tick=False):
        response = client.get(path)
        assert REPLAY not in text(response)
        assert s_maxage(response) <= 1
    with time_machine.travel(opens, tick=False):
        assert REPLAY in text(client.get(path))
