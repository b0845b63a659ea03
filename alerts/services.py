"""Subscribing, confirming and unsubscribing: double opt-in, every step audited without the address.

The sign-up form always answers the same way, whatever the address's state:
a new address, one waiting for confirmation and one already confirmed each
get one mail with a confirmation link, and nothing changes until the link is
used. For a confirmed address the mail says so and its link applies the new
choice (for example adding events); so the page tells a visitor nothing about
who is subscribed, and a stranger's sign-up of someone's address does no more
than send that address one mail.

The language chosen at sign-up is part of that choice: the confirmation mail
is written in it, and it becomes the language of the subscriber's alerts when
the link is used.
"""

import hashlib
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from alerts.models import Audience, Subscriber, SubscriberStatus
from alerts.topics import absolute
from company.models import CompanyProfile
from irportal.audit.services import audit_record
from irportal.workflow import languages
from irportal.workflow.outbox import hand_to_worker

UNSUBSCRIBE_SALT = "irportal.alerts.unsubscribe"
SEND_CONFIRMATION_TASK = "alerts.tasks.send_confirmation"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


class TokenError(Exception):
    """A confirmation or unsubscribe link that cannot be used; the message is for the visitor."""


def normalize_email(address: str) -> str:
    return address.strip().lower()


def address_hash(address: str) -> str:
    """A keyed hash of the address: lets the audit log and the rate limits tell addresses apart without them.

    HMAC-SHA256 (SHA-1, Django's default here, is only a legacy choice for HMAC); entries written before this
    change carry the 40-character HMAC-SHA1 of the same address."""
    return salted_hmac("irportal.alerts.address", normalize_email(address), algorithm="sha256").hexdigest()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _audit(action: str, subscriber: Subscriber, *, actor, address: str, **data) -> None:
    audit_record(
        action=action,
        actor=actor,
        object_type="alerts.subscriber",
        object_id=str(subscriber.pk),
        object_label=str(subscriber),
        data={"address_hash": address_hash(address), **data},
    )


def confirm_max_age() -> timedelta:
    return timedelta(hours=settings.ALERTS_CONFIRM_HOURS)


def mail_language(language: str, offered: list[str]) -> str:
    """The language a mail is written in: the subscriber's, or the primary one when the company's disclosure
    languages (``offered``) no longer include it."""
    return language if language in offered else languages.primary()


def alert_subscribe(*, email: str, news: bool, events: bool, language: str, actor, reports: bool = False) -> Subscriber:
    """Record the request and queue one confirmation mail; nothing is sent to the address before it is confirmed."""
    email = normalize_email(email)
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.get_or_create(email=email)
        subscriber.requested_news = news
        subscriber.requested_events = events
        subscriber.requested_reports = reports
        subscriber.requested_language = language
        subscriber.save(update_fields=["requested_news", "requested_events", "requested_reports", "requested_language"])
        _audit(
            "alerts.subscribe",
            subscriber,
            actor=actor,
            address=email,
            news=news,
            events=events,
            reports=reports,
            language=language,
        )
        # A broker outage costs this mail (logged), not the answer: the person can simply sign up again.
        transaction.on_commit(lambda: hand_to_worker(SEND_CONFIRMATION_TASK, subscriber.pk), robust=True)
    return subscriber


def alert_send_confirmation(*, subscriber_id: int) -> bool:
    """Make a fresh confirmation token (its hash replaces any earlier one) and mail the link."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    if not Subscriber.objects.filter(pk=subscriber_id, email__isnull=False).update(
        confirm_token_hash=_token_hash(token), confirm_requested_at=now
    ):
        return False
    subscriber = Subscriber.objects.get(pk=subscriber_id)
    language = mail_language(subscriber.requested_language, languages.disclosure_languages())
    with translation.override(language):
        context = {
            "confirm_url": absolute(reverse("alerts:confirm", args=[token])),
            "already_confirmed": subscriber.status == SubscriberStatus.CONFIRMED,
            "choices": choice_labels(
                subscriber.requested_news, subscriber.requested_events, subscriber.requested_reports
            ),
            "hours": settings.ALERTS_CONFIRM_HOURS,
            "alerts_url": absolute(reverse("alerts:subscribe")),
            "company": CompanyProfile.load(),
        }
        subject = render_to_string("email/alerts/confirm_subject.txt", context).strip()
        body = render_to_string("email/alerts/confirm.txt", context)
    EmailMessage(subject, body, to=[subscriber.email], headers=mail_headers(language)).send()
    return True


def mail_headers(language: str) -> dict[str, str]:
    """What every mail to a subscriber carries: machine-sent, and the language it is written in."""
    return {"Auto-Submitted": "auto-generated", "Content-Language": language}


def choice_labels(news: bool, events: bool, reports: bool = False) -> list[str]:
    chosen = {Audience.NEWS: news, Audience.EVENTS: events, Audience.REPORTS: reports}
    return [label for value, label in Audience.choices if chosen[value]]


def pending_confirmation(token: str) -> Subscriber:
    """The subscriber a confirmation link belongs to, or TokenError saying why it cannot be used."""
    if not _TOKEN.match(token or ""):
        raise TokenError(_("This confirmation link is not valid. Check that you copied the whole link from the email."))
    subscriber = Subscriber.objects.filter(confirm_token_hash=_token_hash(token), email__isnull=False).first()
    if subscriber is None:
        raise TokenError(
            _(
                "This confirmation link has already been used or was replaced by a newer one. "
                "If you are not receiving alerts, sign up again."
            )
        )
    if subscriber.confirm_requested_at is None or subscriber.confirm_requested_at < timezone.now() - confirm_max_age():
        raise TokenError(_("This confirmation link has expired. Sign up again to get a new one."))
    return subscriber


def alert_confirm(*, token: str, actor) -> Subscriber:
    with transaction.atomic():
        subscriber = pending_confirmation(token)
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.confirm_token_hash != _token_hash(token):
            raise TokenError(_("This confirmation link has already been used."))
        before = subscriber.status
        subscriber.status = SubscriberStatus.CONFIRMED
        subscriber.news = subscriber.requested_news
        subscriber.events = subscriber.requested_events
        subscriber.reports = subscriber.requested_reports
        subscriber.language = subscriber.requested_language
        subscriber.confirm_token_hash = ""
        subscriber.confirmed_at = timezone.now()
        subscriber.save()
        _audit(
            "alerts.confirm",
            subscriber,
            actor=actor,
            address=subscriber.email,
            news=subscriber.news,
            events=subscriber.events,
            reports=subscriber.reports,
            language=subscriber.language,
            was=before,
        )
    return subscriber


def unsubscribe_token(subscriber: Subscriber) -> str:
    return signing.dumps(subscriber.pk, salt=UNSUBSCRIBE_SALT)


def subscriber_for_unsubscribe(token: str) -> Subscriber:
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        pk = None
    subscriber = Subscriber.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    if subscriber is None:
        raise TokenError(_("This unsubscribe link is not valid. Check that you copied the whole link from the email."))
    return subscriber


def unsubscribe_url(subscriber: Subscriber) -> str:
    return absolute(reverse("alerts:unsubscribe", args=[unsubscribe_token(subscriber)]))


def alert_unsubscribe(*, token: str, actor) -> Subscriber:
    """Stop every alert to the subscriber and erase the address; using the link again changes nothing."""
    subscriber = subscriber_for_unsubscribe(token)
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
            return subscriber
        address = subscriber.email or ""
        before = subscriber.status
        subscriber.status = SubscriberStatus.UNSUBSCRIBED
        subscriber.email = None
        subscriber.news = subscriber.events = subscriber.reports = False
        subscriber.requested_news = subscriber.requested_events = subscriber.requested_reports = False
        subscriber.confirm_token_hash = ""
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save()
        _audit("alerts.unsubscribe", subscriber, actor=actor, address=address, was=before)
    return subscriber


def alerts_purge_unconfirmed(*, now=None) -> int:
    """Erase sign-ups whose confirmation link expired unused: nobody confirmed them, so nothing is kept."""
    now = now or timezone.now()
    cutoff = now - confirm_max_age()
    stale = Subscriber.objects.filter(status=SubscriberStatus.PENDING, deliveries__isnull=True).filter(
        Q(confirm_requested_at__lt=cutoff) | Q(confirm_requested_at__isnull=True, created_at__lt=cutoff)
    )
    deleted, _by_model = stale.delete()
    return deleted
