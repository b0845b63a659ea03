"""The calendar writer refuses control characters instead of writing them into a subscriber's calendar."""

import pytest
from django.utils import timezone

from events.ics import UnsafeCalendarText, calendar_bytes, vevent
from events.selectors import public_documents
from tests.events.builders import make_event, published

pytestmark = pytest.mark.django_db


def test_a_bare_carriage_return_in_a_title_is_refused_and_the_feed_leaves_that_event_out(
    company, author, approver, caplog
):
    published(make_event(author, title="Q3 earnings call"), author, approver)
    bad = published(make_event(author, title="Investor day"), author, approver)
    # What a row written before forms cleaned their input might hold.
    revision = bad.live_revision
    revision.content["title"] = "Investor day\rBEGIN:VEVENT\rSUMMARY:Dividend cut call"
    type(revision).objects.filter(pk=revision.pk).update(content=revision.content)
    now = timezone.now()
    documents = sorted(public_documents(now), key=lambda doc: doc.event.pk)
    with pytest.raises(UnsafeCalendarText):
        vevent(documents[1], stamp=now)
    body = calendar_bytes(documents, name="Events", now=now)
    assert b"Q3 earnings call" in body and b"Dividend cut call" not in body and b"\r\r" not in body
    assert body.count(b"BEGIN:VEVENT") == 1
    assert "left out of the calendar" in caplog.text
