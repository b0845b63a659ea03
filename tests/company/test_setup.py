"""The IR Admin's first-run page, "Make this portal yours": each set-up step done or not, from the data."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from company.models import DemoAccount
from events.models import Event
from governance.models import Committee, Person
from irportal.accounts.roles import COMPLIANCE_REVIEWER, IR_ADMIN, IR_APPROVER, IR_AUTHOR
from irportal.audit.models import AuditEntry
from releases.models import Boilerplate, MediaContact, Release
from releases.services import boilerplate_save
from reports.models import Document
from stock.models import AnalystCoverage
from tests.company.test_profile import FORM
from tests.factories import MediaContactFactory, UserFactory, make_company, sign_in

MISSING_FOR_RELEASES = ("lead_description", "website", "investor_section_name", "dateline_city", "dateline_region")

pytestmark = pytest.mark.django_db

# The company's own facts, as its IR Admin enters them on the profile page.
OWN_COMPANY = {name: FORM[name] for name in ("legal_name", "short_name", "ticker", *MISSING_FOR_RELEASES)}
NOTHING_DONE = dict.fromkeys(("profile", "logo", "boilerplates", "contacts", "users", "demo"), "no")


def steps(page: str) -> dict[str, str]:
    """Each step's name and whether it is done, as the page marks them."""
    found = {}
    for chunk in page.split('data-step="')[1:]:
        name, rest = chunk.split('"', 1)
        found[name] = rest.split('data-done="')[1].split('"')[0]
    return found


def company_of_its_own(admin):
    """Everything the checklist asks for, done by the company."""
    profile = make_company(**OWN_COMPANY)
    png = io.BytesIO()
    Image.new("RGB", (120, 40), "#0b5394").save(png, "PNG")
    profile.logo.save("logo-corvane.png", ContentFile(png.getvalue()))
    for kind, name in (("about", "About Corvane"), ("safe_harbor", "Corvane safe harbor")):
        boilerplate_save(actor=admin, pk=None, name=name, kind=kind, title=name, text="<p>Ours.</p>", is_default=True)
    MediaContactFactory(name="Lena Ortiz")
    UserFactory(roles=[IR_AUTHOR])
    UserFactory(roles=[IR_APPROVER])


@pytest.fixture
def admin(client):
    user = UserFactory(roles=[IR_ADMIN])
    sign_in(client, user)
    return user


def test_a_new_portal_lists_every_step_as_not_done_with_a_link_to_its_page(client, admin):
    page = client.get(reverse("company:setup")).content.decode()
    assert steps(page) == NOTHING_DONE | {"demo": "yes"}
    assert "No company profile yet" in page
    assert "No one of the company&#x27;s own has the role IR Author, IR Approver" in page
    for url in (reverse("company:profile_edit"), reverse("releases:boilerplates"), reverse("releases:contacts")):
        assert f'href="{url}"' in page
    assert f'href="{reverse("accounts:user_list")}"' in page


def test_the_demo_company_and_its_content_are_not_the_companys_own(client, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo")
    sign_in(client, UserFactory(roles=[IR_ADMIN]))
    page = client.get(reverse("company:setup")).content.decode()
    assert steps(page) == NOTHING_DONE
    assert "The profile still describes the demo company" in page
    assert "6 releases" in page and "4 demo sign-ins" in page and "3 contacts" in page
    assert "Remove the demo content" in page


def test_seed_demo_marks_everything_it_makes_as_demo(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo")
    for model in (Release, Event, Document, MediaContact, Boilerplate, AnalystCoverage, Person, Committee):
        assert model.objects.exists(), model
        assert not model.objects.filter(is_demo=False).exists(), model
    assert DemoAccount.objects.count() == 4


def test_seed_demo_refuses_a_database_with_the_companys_own_users(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    UserFactory(username="cfo", roles=[IR_ADMIN])
    with pytest.raises(CommandError, match="holds the company's own data"):
        call_command("seed_demo")
    assert not Release.objects.exists() and not DemoAccount.objects.exists()


def test_every_step_is_done_once_the_company_did_it_and_the_dashboard_drops_the_panel(client, admin):
    dashboard = client.get(reverse("accounts:console")).content.decode()
    assert 'data-panel="setup"' in dashboard and "1 of 6 set-up steps done" in dashboard
    company_of_its_own(admin)
    page = client.get(reverse("company:setup")).content.decode()
    assert set(steps(page).values()) == {"yes"}
    assert "6 of 6 set-up steps done" in page
    assert "No one has the role Compliance Reviewer yet" in page
    assert 'data-panel="setup"' not in client.get(reverse("accounts:console")).content.decode()


@pytest.mark.parametrize("role", [IR_AUTHOR, IR_APPROVER, COMPLIANCE_REVIEWER])
def test_only_the_ir_admin_opens_the_set_up_page(client, role):
    sign_in(client, UserFactory(roles=[role]))
    assert client.get(reverse("company:setup")).status_code == 403
    assert client.post(reverse("company:demo_remove")).status_code == 403
    assert AuditEntry.objects.filter(action="security.permission_denied").count() == 2
    dashboard = client.get(reverse("accounts:console")).content.decode()
    assert reverse("company:setup") not in dashboard and 'data-panel="setup"' not in dashboard


def test_the_console_navigation_leads_the_ir_admin_to_the_set_up_page(client, admin):
    page = client.get(reverse("accounts:console")).content.decode()
    assert f'href="{reverse("company:setup")}"' in page and "Make this portal yours" in page


def _queries(client) -> tuple[int, int]:
    """The set-up page's queries and the dashboard's (which shows the checklist)."""
    counts = []
    for name in ("company:setup", "accounts:console"):
        client.get(reverse(name))  # the session's last use is written at most once a minute: now, not then
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name)).status_code == 200
        counts.append(len(captured))
    return tuple(counts)


def test_the_page_and_the_dashboard_take_as_many_queries_for_100_rows_as_for_5(client, admin):
    def add(count):
        for _ in range(count):
            MediaContactFactory(is_demo=True)
            MediaContactFactory()
            UserFactory(roles=[IR_AUTHOR, IR_APPROVER])
            DemoAccount.objects.create(user=UserFactory(roles=[IR_AUTHOR]))

    add(5)
    few = _queries(client)
    add(95)
    assert _queries(client) == few
