import pytest
from django.apps import apps

from alerts import topics
from alerts.models import Audience
from irportal.workflow import outbox
from irportal.workflow.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_release_publications_go_to_news_subscribers_and_event_ones_to_events_subscribers():
    assert topics.topic_for("release", "publish").audience == Audience.NEWS
    assert topics.topic_for("event", "publish").audience == Audience.EVENTS
    assert topics.topic_for("event", "replay_publish").audience == Audience.EVENTS
    assert topics.topic_for("release", "withdraw") is None


@pytest.mark.parametrize(("kind", "transition"), [("release", "withdraw"), ("release", "submit"), ("event", "approve")])
def test_other_changes_write_no_fan_out(kind, transition):
    outbox.record_change(kind, 1, transition)
    handlers = set(OutboxMessage.objects.values_list("handler", flat=True))
    assert "workflow.state_changed" in handlers
    assert "alerts.fan_out" not in handlers


def test_a_release_that_is_not_public_builds_no_alert(publish_release):
    from tests.factories import make_release

    draft = make_release()
    assert topics.release_alert(draft.pk) is None
    assert topics.release_alert(999_999) is None
    assert topics.release_alert(publish_release(headline="Public now").pk).subject.endswith("Public now")


@pytest.mark.skipif(apps.is_installed("events"), reason="the events app is installed")
def test_event_alerts_build_nothing_without_the_events_app():
    assert topics.event_alert(1) is None
    assert topics.event_replay_alert(1) is None
