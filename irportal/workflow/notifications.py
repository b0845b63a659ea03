"""Who hears of a change of state, and what they read; sent by a worker through the outbox."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone, translation

from company.models import CompanyProfile
from company.timefmt import datetime_text
from irportal.workflow import engine, outbox
from irportal.workflow.models import StaffMailSent, State

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


def message(kind: str, item, transition: str, *, changed_at: datetime | None = None) -> tuple[str, str]:
    """Subject and body; the body says when the change happened, since mails can arrive out of order.

    Written in the primary language, whichever request or worker sends it: staff have no language of their own.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return _message(kind, item, transition, changed_at=changed_at)


def _message(kind: str, item, transition: str, *, changed_at: datetime | None) -> tuple[str, str]:
    if transition == "approve" and item.status == State.IN_REVIEW:
        headline = f"Review requested ({item.current_step.name})"
    else:
        headline = _SUBJECTS.get(transition, transition)
    title = str(item)
    link = settings.STAFF_SITE_URL + item.get_staff_url()
    subject = f"[IR Portal] {headline}: {title}"[:200]
    when = datetime_text(timezone.localtime(changed_at or timezone.now(), CompanyProfile.load().zone))
    body = (
        f'{headline}: the {kind} "{title}", at {when}.\n'
        f"As this mail is written it is {item.get_status_display().lower()}. Mails about one item can arrive out "
        "of order after a mail outage: the time above says when this change happened, and the console shows "
        "where the item stands now.\n\n"
        f"Open it in the staff console:\n{link}\n"
    )
    return subject, body


def notify_transition(
    kind: str, pk: int, transition: str, *, outbox_id: int | None = None, changed_at: datetime | None = None
) -> int:
    """Email the people the change concerns: the next step's reviewers, or the author; returns how many mails.

    One mail per address, each written to the send log (``StaffMailSent``)
    the moment the server accepts it. An SMTP error raises, so the outbox
    tries again, and the retry mails only the addresses not in the log.
    """
    spec = engine.spec_for(kind)
    item = (
        spec.model.objects.filter(pk=pk).select_related("current_step__group", "created_by", "last_edited_by").first()
    )
    if item is None:
        return 0
    served = set(StaffMailSent.objects.filter(message_id=outbox_id).values_list("address", flat=True))
    addresses = [address for address in recipients(item, transition) if address not in served]
    if not addresses:
        return 0
    subject, body = message(kind, item, transition, changed_at=changed_at)
    with get_connection() as connection:
        for address in addresses:
            EmailMessage(subject, body, to=[address], connection=connection).send()
            if outbox_id is not None:
                StaffMailSent.objects.bulk_create(
                    [StaffMailSent(message_id=outbox_id, address=address)], ignore_conflicts=True
                )
    return len(addresses)


outbox.register(
    "workflow.notify",
    lambda payload: notify_transition(
        payload["kind"],
        payload["item_id"],
        payload["transition"],
        outbox_id=payload.get("outbox_id"),
        changed_at=datetime.fromisoformat(payload["changed_at"]) if "changed_at" in payload else None,
    ),
    on_change=lambda kind, transition: transition in _SUBJECTS,
)
