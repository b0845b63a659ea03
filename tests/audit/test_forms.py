from datetime import UTC, datetime

import pytest

from irportal.audit.forms import AuditFilterForm, parse_utc


@pytest.mark.parametrize(
    ("text", "end_of_day", "expected"),
    [
        ("2026-03-01", False, datetime(2026, 3, 1, tzinfo=UTC)),
        ("2026-03-01", True, datetime(2026, 3, 2, tzinfo=UTC)),
        ("2026-03-01 14:30", False, datetime(2026, 3, 1, 14, 30, tzinfo=UTC)),
        ("2026-03-01T14:30:05Z", True, datetime(2026, 3, 1, 14, 30, 5, tzinfo=UTC)),
        ("2026-03-01T09:30:00-05:00", False, datetime(2026, 3, 1, 14, 30, tzinfo=UTC)),
    ],
)
def test_dates_are_read_as_utc(text, end_of_day, expected):
    assert parse_utc(text, end_of_day=end_of_day) == expected


def test_action_choices_offer_families_and_every_registered_action():
    form = AuditFilterForm({"action": "event.*"})
    assert form.is_valid(), form.errors
    assert AuditFilterForm({"action": "event.replay_expire"}).is_valid()


def test_active_filters_keep_only_what_was_given():
    form = AuditFilterForm({"actor": "alice", "q": "", "before": "9"})
    assert form.active_filters() == {"actor": "alice"}
