"""Send the alert mails that failed for good again, once the cause (a mail server down too long) is fixed."""

from django.core.management.base import BaseCommand, CommandError

from alerts.delivery import alerts_resend_failed


class Command(BaseCommand):
    help = (
        "Put the alert mails that failed for good back in the queue (all, or one item's), audited. Each subscriber "
        "gets the alert once: rows already accepted by the mail server are never among them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--topic", help='The alert, e.g. "release.publish" (with --item)')
        parser.add_argument("--item", type=int, help="The item's id (with --topic)")

    def handle(self, *args, topic=None, item=None, **options):
        if (topic is None) != (item is None):
            raise CommandError("Give both --topic and --item, or neither.")
        count = alerts_resend_failed(actor=None, topic_name=topic, item_id=item, via="manage.py resend_failed_alerts")
        self.stdout.write(f"{count} failed alert mail{'s' if count != 1 else ''} queued to be sent again.")
