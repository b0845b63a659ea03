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
