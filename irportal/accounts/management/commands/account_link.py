"""Print a one-time link where a user chooses their password (and, without a factor, adds one).

For operators: the first IR Admin of a new installation (after
``createsuperuser``, whose password alone never enrols a factor), an
existing user who has no factor yet, or a user without an email address.
The link is audited as made by the system; it is printed, not mailed.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from irportal.accounts import links
from irportal.accounts.models import AccountLink


class Command(BaseCommand):
    help = "Print a one-time link for USERNAME to choose a password and, without a second factor, add one."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--purpose",
            choices=[choice.value for choice in AccountLink.Purpose],
            default=AccountLink.Purpose.INVITATION,
            help="What the audit log records the link as (default: invitation).",
        )

    def handle(self, *args, username, purpose, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        with transaction.atomic():
            link, token = links.link_create(actor=None, user=user, purpose=purpose)
        self.stdout.write(f"Link for {username}, working once until {link.expires_at:%Y-%m-%d %H:%M} UTC:")
        self.stdout.write(links.address_of(token))
