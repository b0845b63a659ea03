import functools
import itertools

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from releases.models import Audience, MediaContact

PASSWORD = "correct horse battery staple"


@functools.cache
def _password_hash() -> str:
    """Argon2 is slow on purpose: hash the test password once per run."""
    from django.contrib.auth.hashers import make_password

    return make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.test")
    password = factory.LazyFunction(lambda: _password_hash())

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))

    @factory.post_generation
    def enrolled(self, create, extracted, **kwargs):
        """UserFactory(enrolled=True): the user has an authenticator app (TOTP) as second factor."""
        if create and extracted:
            enrol_totp(self)


def enrol_totp(user):
    """Give ``user`` a confirmed authenticator app (TOTP device); tests compute its codes with ``totp_code``."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)


def totp_code(device, at=None) -> str:
    """The six digits the authenticator app shows at ``at`` (now by default)."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at if at is not None else time.time()
    return f"{totp.token():06d}"


def sign_in(client, user, *, verified_at=None):
    """Sign ``client`` in as ``user`` with both factors, as the sign-in pages would.

    A user whose role requires a second factor is given an authenticator app
    first; the session is marked verified with it at ``verified_at`` (now by
    default), which also counts as the last step-up. Plain
    ``client.force_login`` is a password-only session: use it to test what
    the second factor guards.
    """
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY

    from irportal.accounts import mfa

    client.force_login(user)
    if mfa.required_for(user) or mfa.has_factor(user):
        device = enrol_totp(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session[mfa.VERIFIED_AT] = (verified_at or timezone.now()).isoformat()
        session[mfa.VERIFIED_FACTOR] = mfa.TOTP
        session.save()
    return user


def sign_in_both_steps(client, user, *, next_url: str = "", **request):
    """The sign-in pages as a browser goes through them: the password, then the authenticator app's code.

    The user is given an authenticator app if they have none. Returns the
    answer to the second step. ``request`` is passed to both posts (e.g.
    ``REMOTE_ADDR``).
    """
    from django.urls import reverse

    device = enrol_totp(user)
    data = {"username": user.username, "password": PASSWORD} | ({"next": next_url} if next_url else {})
    response = client.post(reverse("accounts:login"), data, **request)
    assert response.status_code == 302, response
    # A code works once per 30-second step; a test that signs in twice within one step may reuse it.
    type(device).objects.filter(pk=device.pk).update(last_t=-1)
    return client.post(reverse("accounts:mfa_verify"), {"code": totp_code(device), "next": next_url}, **request)


def reauthenticate(client, user) -> None:
    """ "Confirm it is you": the password and the authenticator app's code again (the user has one)."""
    from django.urls import reverse

    device = enrol_totp(user)
    type(device).objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    client.get(reverse("accounts:reauthenticate"))
    response = client.post(reverse("accounts:reauthenticate"), {"password": PASSWORD, "code": totp_code(device)})
    assert response.status_code == 302, response


def through_a_link(client, user, password: str = "copper kettle under a violet moon"):  # noqa: S107
    """Open a fresh one-time link for ``user`` (as from an IR Admin's email) and choose ``password`` there."""
    from django.urls import reverse

    from irportal.accounts import links
    from irportal.accounts.models import AccountLink

    _, token = links.link_create(actor=None, user=user, purpose=AccountLink.Purpose.INVITATION)
    client.get(reverse("accounts:link_open", args=[token]))
    return client.post(reverse("accounts:link_password"), {"new_password1": password, "new_password2": password})


def shown_revision(item) -> dict:
    """The hidden fields of an approve form: the revision (and its hash) the approver is looking at."""
    item = type(item).objects.get(pk=item.pk)
    revision = item.revisions.get(number=item.version)
    return {"expected_revision": revision.number, "expected_hash": revision.content_hash}


def fresh_step_up() -> dict:
    """The evidence a view hands the workflow after a second factor checked just now."""
    from django.utils import timezone

    return {"verified_at": timezone.now().isoformat(), "factor": "totp"}


class MediaContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MediaContact

    name = factory.Faker("name")
    title = "Investor Relations"
    phone = "+1 555 0100"
    email = factory.Sequence(lambda n: f"contact{n}@example.test")
    audience = Audience.INVESTORS


_slugs = itertools.count(1)


def release_fields(**overrides) -> dict:
    import datetime

    fields = {
        "slug": f"halvorsen-news-{next(_slugs)}",
        "headline": "Halvorsen Instruments Reports Third Quarter Results",
        "subheadline": "Revenue up 12% on strong demand for calibration systems",
        "highlights": ["Revenue of $84.2 million", "Gross margin of 58.1%"],
        "dateline_city": "Phoenix",
        "dateline_region": "Ariz.",
        "release_date": datetime.date(2026, 11, 30),
        "distribution": "BUSINESS WIRE",
        "body": "<p>Halvorsen Instruments, Inc. (Nasdaq: HLVI) today reported results.</p>"
        "<table><tr><th>Quarter</th><th>Revenue</th></tr><tr><td>Q3</td><td>84.2</td></tr></table>",
    }
    return fields | overrides


def make_release(author=None, **overrides):
    from irportal.accounts.roles import IR_AUTHOR
    from releases.services import release_create

    author = author or UserFactory(roles=[IR_AUTHOR])
    return release_create(actor=author, **release_fields(**overrides))


def make_company(**overrides):
    """The fictional listed company the tests disclose for."""
    from company.models import CompanyProfile

    fields = {
        "legal_name": "Halvorsen Instruments, Inc.",
        "short_name": "Halvorsen",
        "exchange": "Nasdaq",
        "ticker": "HLVI",
        "home_time_zone": "America/Phoenix",
        "default_replay_days": 7,
    }
    profile = CompanyProfile(**(fields | overrides))
    profile.save()
    return profile


def make_approval_step():
    """The default approval step, which a flush between transactional tests removes."""
    from django.contrib.auth.models import Group

    from irportal.accounts.roles import IR_APPROVER
    from irportal.workflow.models import ApprovalStep

    step, _ = ApprovalStep.objects.get_or_create(
        order=1, defaults={"name": "IR review", "group": Group.objects.get(name=IR_APPROVER)}
    )
    return step
