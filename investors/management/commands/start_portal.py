"""Start a production database: the company profile, the audit signing key and the first IR Admin, no demo data.

For operators, once, on a migrated and empty database (it refuses one that
holds users, a profile or content). The first IR Admin gets no typed
password: the command prints a one-time invitation link where they choose
it and add their second factor (``irportal.accounts.links``, as
``account_link`` does). Then they make the portal the company's own from
the console's "Make this portal yours" page.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from company.models import CompanyProfile, Exchange
from company.services import company_profile_update
from irportal.accounts import links
from irportal.accounts import services as account_services
from irportal.accounts.models import AccountLink
from irportal.accounts.roles import IR_ADMIN
from irportal.workflow import engine
from releases.models import Boilerplate, MediaContact

# Options that fill in the profile (the rest is done on the console).
PROFILE_OPTIONS = {
    "legal_name": "The company's name as on the wire, e.g. 'Example Corp'",
    "short_name": "The name in running text, e.g. 'Example'",
    "ticker": "The exchange symbol, e.g. EXMP",
    "home_time_zone": "IANA name of the head office's zone, e.g. America/New_York",
}


def existing_content() -> str:
    """What the database holds already, or "" when it is empty."""
    User = get_user_model()
    models = [User, CompanyProfile, MediaContact, Boilerplate, *(spec.model for spec in engine.specs())]
    for model in models:
        if model.objects.exists():
            return str(model._meta.verbose_name_plural)
    return ""


def unapplied_migrations() -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


class Command(BaseCommand):
    help = (
        "Start a production database without demo data: the company profile, the audit signing key and the first "
        "IR Admin, who chooses their password through the one-time link printed. Refuses a database with content."
    )

    def add_arguments(self, parser):
        parser.add_argument("--admin-username", required=True)
        parser.add_argument("--admin-email", required=True, help="Where later password links go")
        parser.add_argument("--admin-first-name", default="")
        parser.add_argument("--admin-last-name", default="")
        for name, help_text in PROFILE_OPTIONS.items():
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name, help=help_text)
        parser.add_argument("--exchange", choices=Exchange.values)

    def handle(self, *args, admin_username, admin_email, admin_first_name, admin_last_name, **options):
        if unapplied_migrations():
            raise CommandError("The database is not migrated: run `python manage.py migrate` first.")
        held = existing_content()
        if held:
            raise CommandError(f"This database is not empty (it holds {held}): start_portal starts an empty one only.")
        profile = {name: options[name] for name in [*PROFILE_OPTIONS, "exchange"] if options.get(name)}
        try:
            with transaction.atomic():
                company_profile_update(actor=None, **profile)
                admin = account_services.user_create(
                    actor=None,
                    username=admin_username,
                    roles=[IR_ADMIN],
                    email=admin_email,
                    first_name=admin_first_name,
                    last_name=admin_last_name,
                )
                admin.full_clean()
                link, token = links.link_create(actor=None, user=admin, purpose=AccountLink.Purpose.INVITATION)
        except ValidationError as invalid:
            raise CommandError("; ".join(invalid.messages)) from None
        call_command("audit_signing_key", "create", "--if-missing", stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(f"Portal started for {CompanyProfile.load().legal_name}, without demo data.")
        )
        self.stdout.write(
            f"Invitation for the IR Admin {admin_username}, working once until {link.expires_at:%Y-%m-%d %H:%M} UTC "
            "(they choose their password and add their second factor there):"
        )
        self.stdout.write(links.address_of(token))
        self.stdout.write("Then, on the staff console: Make this portal yours.")
