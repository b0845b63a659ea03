"""``manage.py start_portal``: a production database with the company profile and the first IR Admin, no demo."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from company.models import CompanyProfile, DemoAccount
from irportal.accounts.models import AccountLink
from irportal.accounts.roles import IR_ADMIN, roles_of
from irportal.audit.models import AuditEntry
from releases.models import Boilerplate, MediaContact, ReleaseAttachment, ReleaseImage
from reports.models import DocumentFile
from stock.models import AnalystCoverage, DailyPrice
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


def start(*extra) -> str:
    out = io.StringIO()
    call_command(
        "start_portal",
        "--admin-username=lortiz",
        "--admin-email=lena.ortiz@corvane.example",
        "--legal-name=Corvane Therapeutics, Inc.",
        "--short-name=Corvane",
        "--ticker=CRVN",
        *extra,
        stdout=out,
    )
    return out.getvalue()


def test_it_starts_a_portal_without_any_demo_row_and_prints_the_admins_invitation(client):
    output = start()
    profile = CompanyProfile.objects.get()
    assert profile.listing == "Corvane Therapeutics, Inc. (Nasdaq: CRVN)"
    admin = User.objects.get()
    assert admin.username == "lortiz" and roles_of(admin) == [IR_ADMIN]
    assert not admin.has_usable_password()
    link = AccountLink.objects.get(user=admin, purpose=AccountLink.Purpose.INVITATION)
    assert link.used_at is None
    url = next(line for line in output.splitlines() if "/staff/account/link/" in line)
    assert AuditEntry.objects.filter(action="accounts.link_create", object_id=str(admin.pk)).exists()

    demo_marked = [model for model in apps.get_models() if "is_demo" in {field.name for field in model._meta.fields}]
    assert len(demo_marked) >= 6
    for model in demo_marked:
        assert not model.objects.filter(is_demo=True).exists(), model
    assert not DemoAccount.objects.exists()
    for model in (
        MediaContact,
        Boilerplate,
        ReleaseImage,
        ReleaseAttachment,
        DocumentFile,
        DailyPrice,
        AnalystCoverage,
    ):
        assert not model.objects.exists(), model

    # The link printed is where the IR Admin chooses a password: it opens the form.
    path = url[url.index("/staff/") :]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("accounts:link_password")


def test_it_refuses_a_database_that_already_has_content():
    UserFactory(username="someone")
    with pytest.raises(CommandError, match="not empty"):
        start()
    assert not CompanyProfile.objects.exists()
    assert not AccountLink.objects.exists()


def test_a_second_run_is_refused():
    start()
    with pytest.raises(CommandError, match="not empty"):
        start()
    assert User.objects.count() == 1


def test_a_bad_value_is_an_error_and_writes_nothing():
    with pytest.raises(CommandError, match="exchange symbol"):
        start("--ticker=crvn!")
    assert not CompanyProfile.objects.exists() and not User.objects.exists()
