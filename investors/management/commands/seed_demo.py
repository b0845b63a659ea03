"""Demo data for a fictional listed company, so a fresh install has something to show."""

import base64
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from company.demo import DEMO_PROFILE, demo_logins_path, is_demo_profile
from company.models import CompanyProfile, DemoAccount
from company.services import company_profile_update
from events.demo import seed_demo_events
from governance.demo import seed_demo_governance
from irportal.accounts import mfa
from irportal.accounts import services as account_services
from irportal.accounts.roles import COMPLIANCE_REVIEWER, IR_ADMIN, IR_APPROVER, IR_AUTHOR
from irportal.workflow import engine
from releases.demo import seed_demo_releases
from releases.models import Audience, MediaContact
from reports.demo import seed_demo_documents
from stock.demo import seed_demo_stock

User = get_user_model()

DEMO_USERS = [
    ("author", "Avery", "Lindqvist", IR_AUTHOR),
    ("approver", "Morgan", "Okafor", IR_APPROVER),
    ("compliance", "Riley", "Castellanos", COMPLIANCE_REVIEWER),
    ("admin", "Jordan", "Whitfield", IR_ADMIN),
]

DEMO_CONTACTS = [
    (
        "Dana Ferreira",
        "Vice President, Investor Relations",
        "",
        "+1 480 555 0142",
        "ir@halvorsen.example",
        Audience.INVESTORS,
        1,
    ),
    (
        "Sam Achterberg",
        "Managing Director",
        "Bluestone IR Partners",
        "+1 212 555 0187",
        "halvorsen@bluestone-ir.example",
        Audience.INVESTORS,
        2,
    ),
    (
        "Priya Natarajan",
        "Director, Corporate Communications",
        "",
        "+1 480 555 0166",
        "media@halvorsen.example",
        Audience.MEDIA,
        1,
    ),
]


def own_data() -> str:
    """What this database holds that the demo did not make (a production database), or ""."""
    if User.objects.filter(demo_account__isnull=True).exists():
        return "users who are not the demo's sign-ins"
    if CompanyProfile.objects.exists() and not is_demo_profile(CompanyProfile.load()):
        return "a company profile that is not the demo company's"
    for spec in engine.specs():
        if spec.model.objects.filter(is_demo=False).exists():
            return f"{spec.model._meta.verbose_name_plural} not made for the demo"
    return ""


class Command(BaseCommand):
    help = (
        "Load demo data for the fictional Halvorsen Instruments, Inc.; with --if-empty only into an empty database. "
        "Refuses a database that holds the company's own data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when users or a company profile exist")

    def handle(self, *args, if_empty=False, **options):
        if if_empty and (User.objects.exists() or CompanyProfile.objects.exists()):
            self.stdout.write("Database already has data; demo data not loaded.")
            return
        own = own_data()
        if own:
            raise CommandError(
                f"This database holds the company's own data ({own}): demo data goes only into an empty "
                "database or a demo one."
            )
        logins = self._seed()
        path = demo_logins_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            "".join(f"{role:<20} {username:<12} {password}{factor}\n" for role, username, password, factor in logins)
        )
        path.chmod(0o600)
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Sign in at /staff/ with:"))
        self.stdout.write(path.read_text())

    @transaction.atomic
    def _seed(self) -> list[tuple[str, str, str, str]]:
        company_profile_update(actor=None, **DEMO_PROFILE)
        for name, title, organization, phone, email, audience, order in DEMO_CONTACTS:
            MediaContact.objects.get_or_create(
                name=name,
                defaults={
                    "title": title,
                    "organization": organization,
                    "phone": phone,
                    "email": email,
                    "audience": audience,
                    "order": order,
                    "is_demo": True,
                },
            )
        logins = []
        # A second run gives the demo users new passwords and new authenticator secrets.
        TOTPDevice.objects.filter(user__username__in=[user[0] for user in DEMO_USERS]).delete()
        for username, first, last, role in DEMO_USERS:
            password = secrets.token_urlsafe(12)
            user = User.objects.filter(username=username).first()
            if user is None:
                user = account_services.user_create(
                    actor=None,
                    username=username,
                    password=password,
                    roles=[role],
                    first_name=first,
                    last_name=last,
                    email=f"{username}@halvorsen.example",
                )
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
            DemoAccount.objects.get_or_create(user=user)
            logins.append((role, username, password))
        seed_demo_releases(
            author=User.objects.get(username="author"),
            approver=User.objects.get(username="approver"),
            now=timezone.now(),
        )
        seed_demo_events()
        seed_demo_documents()
        seed_demo_governance()
        seed_demo_stock(user=User.objects.get(username="admin"), today=timezone.localdate())
        return [(role, username, password, _demo_second_factor(username)) for role, username, password in logins]


def _demo_second_factor(username: str) -> str:
    """Demo only: users whose role needs a second factor get an authenticator app here, its secret printed
    with their password so that `make run` can be signed in to (add it to any TOTP app, e.g. with the URI).
    Real users enrol their own factor at their first sign-in."""
    user = User.objects.get(username=username)
    if not mfa.required_for(user):
        return ""
    device = TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
    secret = base64.b32encode(device.bin_key).decode()
    return f"  authenticator secret {secret}  {device.config_url}"
