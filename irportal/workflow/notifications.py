"""Who hears of a change of state, and what they read; sent by a worker through the outbox."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail

from irportal.workflow import engine, outbox
from irportal.workflow.models import State

User = get_user_model()


def _people(*users) -> list[str]:
    return sorted({user.email for user in users if user is not None and user.is_active and user.email})


def recipients(item, transition: str) -> list[str]:
    if transition == "submit" or (transition == "approve" and item.status == State.IN_REVIEW):
        step = item.current_step
        if step is None:
            return []
        return _people(*User.objects.filter(groups=step.group, is_active=True))
    if transition in {"approve", "request_changes", "publish", "withdraw"}:
        return _people(item.created_by, item.last_edited_by)
    return []


_SUBJECTS = {
    "submit": "Review requested",
    "approve": "Approved",
    "request_changes": "Changes requested",
    "publish": "Published",
    "withdraw": "Withdrawn",
}


def message(kind: str, item, transition: str) -> tuple[str, str]:
    if transition == "approve" and item.status == State.IN_REVIEW:
        headline = f"Review requested ({item.current_step.name})"
    else:
        headline = _SUBJECTS.get(transition, transition)
    title = str(item)
    link = settings.STAFF_SITE_URL + item.get_staff_url()
    subject = f"[IR Portal] {headline}: {title}"[:200]
    body = (
        f'{headline}: the {kind} "{title}" is now {item.get_status_display().lower()}.\n\n'
        f"Open it in the staff console:\n{link}\n"
    )
    return subject, body


def notify_transition(kind: str, pk: int, transition: str) -> int:
    """Email the people the change concerns: the next step's reviewers, or the author.

    An SMTP error raises, so the outbox tries again; a mail to several people
    that fails half way is sent to all of them again.
    """
    spec = engine.spec_for(kind)
    item = (
        spec.model.objects.filter(pk=pk).select_related("current_step__group", "created_by", "last_edited_by").first()
    )
    if item is None:
        return 0
    addresses = recipients(item, transition)
    subject, body = message(kind, item, transition)
    return send_mass_mail([(subject, body, None, [address]) for address in addresses])


outbox.register(
    "workflow.notify",
    lambda payload: notify_transition(payload["kind"], payload["item_id"], payload["transition"]),
    on_change=lambda kind, transition: transition in _SUBJECTS,
)
