"""Alerts listen to the workflow: each publication with a registered topic is fanned out by Celery."""

from alerts import topics


def on_state_changed(sender, *, kind: str, item_id: int, transition: str, **kwargs) -> None:
    topic = topics.topic_for(kind, transition)
    if topic is None:
        return
    from alerts.tasks import fan_out

    fan_out.delay(topic.name, item_id)
