import datetime as dt

import pytest

from irportal.ops import heartbeat

pytestmark = pytest.mark.django_db

SWEPT_AT = dt.datetime(2026, 12, 8, 14, 0, 0, tzinfo=dt.UTC)


def test_beat_is_late_after_two_sweep_intervals_without_a_sweep():
    heartbeat.record(heartbeat.BEAT, now=SWEPT_AT)
    assert heartbeat.beat_status(SWEPT_AT + dt.timedelta(seconds=60)).ok
    late = heartbeat.beat_status(SWEPT_AT + dt.timedelta(seconds=61))
    assert not late.ok
    assert late.age_seconds == 61


def test_beat_that_never_swept_is_not_ok():
    status = heartbeat.beat_status(SWEPT_AT)
    assert not status.ok
    assert status.message == "no beat heartbeat yet"


def test_one_fresh_worker_is_enough():
    heartbeat.record("worker:old@host", now=SWEPT_AT - dt.timedelta(hours=1))
    heartbeat.record("worker:new@host", now=SWEPT_AT)
    assert heartbeat.worker_status(SWEPT_AT + dt.timedelta(seconds=30)).ok


def test_a_heartbeat_replaces_the_previous_one():
    heartbeat.record(heartbeat.BEAT, now=SWEPT_AT)
    heartbeat.record(heartbeat.BEAT, now=SWEPT_AT + dt.timedelta(seconds=30))
    assert heartbeat.beat_status(SWEPT_AT + dt.timedelta(seconds=80)).ok
