"""End sessions from the command line: one user's, or every user's (a stolen cookie, a leaked key, an incident).

The same as an IR Admin's "End all sessions" on a user's page, audited as
done by the system with the reason given; the calendar addresses of those
users end with them (``sessions.end_all``).
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from irportal.accounts import sessions
from irportal.accounts.models import UserSession


class Command(BaseCommand):
    help = "End every session of USERNAME, or of every user (--all), with a reason kept in the audit log."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?")
        parser.add_argument("--all", action="store_true", dest="everyone", help="every user's sessions")
        parser.add_argument("--reason", default="", help="why (kept in the audit log)")

    def handle(self, *args, username=None, everyone=False, reason="", **options):
        if not reason.strip():
            raise CommandError("give the reason (--reason): it is kept in the audit log")
        if bool(username) == everyone:
            raise CommandError("name one user (USERNAME or --all for everyone)")
        users = get_user_model().objects.all()
        if username:
            users = users.filter(username=username)
            if not users.exists():
                raise CommandError(f"no user {username!r}")
        else:
            users = users.filter(pk__in=UserSession.objects.values("user"))
        count = 0
        for user in users:
            sessions.end_all(actor=None, user=user, reason=reason.strip())
            count += 1
        self.stdout.write(f"sessions ended for {count} user{'s' if count != 1 else ''}")
