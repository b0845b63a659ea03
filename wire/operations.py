"""The newswire on the staff console: the panel and operations on a release's review screen, and the
dashboard's panel (``console.extend`` and ``dashboard.register`` in ``wire/apps.py``)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from irportal.workflow.console import Operation
from wire import selectors, services
from wire.forms import ConfirmationForm, SendAgainForm
from wire.models import Transmission


def _send_again(*, actor, item, data, step_up=None):
    services.transmission_send_again(actor=actor, transmission_id=data["transmission"].pk, step_up=step_up)


def _confirm(*, actor, item, data, step_up=None):
    services.transmission_confirm(
        actor=actor,
        transmission_id=data["transmission"].pk,
        crossed_at=data["crossed_at"],
        wire_id=data["wire_id"],
        step_up=step_up,
    )


def _has(statuses):
    return lambda item: Transmission.objects.filter(release=item, status__in=statuses).exists()


SEND_AGAIN = Operation(
    "wire_send_again",
    _("Send to the wire again"),
    SendAgainForm,
    _send_again,
    _("The transmission was queued for the wire again."),
    template="",  # a button beside each failed transmission, in the newswire panel
    verb="publish",
    step_up=True,  # it puts the release before the wire in the company's name: publishing's fresh second factor
    form_kwargs=lambda item: {"release": item},
    available=_has(SendAgainForm.statuses),
)
RECORD_CONFIRMATION = Operation(
    "wire_confirm",
    _("Record the wire's confirmation"),
    ConfirmationForm,
    _confirm,
    _("The wire's confirmation was recorded."),
    verb="publish",
    step_up=True,  # it can make the release public: publishing's fresh second factor
    form_kwargs=lambda item: {"release": item},
    available=_has(ConfirmationForm.statuses),
)
ALL = (SEND_AGAIN, RECORD_CONFIRMATION)


def release_panel(release, user) -> dict:
    """The newswire panel of a release's review screen: its state, its transmissions and its exhibit."""
    now = timezone.now()
    transmissions = list(selectors.transmissions_of(release))
    return {
        "state": selectors.wire_state(release, transmissions, now),
        "transmissions": transmissions,
        "may_send": user.has_perm(services.PUBLISH_PERMISSION) and user.has_perm(services.SEND_PERMISSION),
        "exhibit_ready": selectors.exhibit_revision(release) is not None,
        "exhibit": selectors.exhibit_made(release),
    }


def board_panel(user, now) -> dict:
    return {"rows": selectors.board(now), "now": now}
