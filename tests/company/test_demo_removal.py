"""Removing the demo content from the console: one audited, step-up-confirmed action before go-live."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from company.models import DemoAccount
from company.services import company_profile_update
from irportal.accounts.roles import IR_ADMIN, IR_APPROVER, IR_AUTHOR
from irportal.audit.models import AuditEntry
from packages.services import package_create
from releases.models import Release
from reports.models import DocumentFile
from stock.models import DailyPrice
from tests.company.test_setup import OWN_COMPANY
from tests.factories import UserFactory, sign_in
from tests.investors.conftest import publish_now

pytestmark = pytest.mark.django_db

User = get_user_model()
DEMO_USERNAMES = ["admin", "approver", "author", "compliance"]
# Where a reader, a feed reader or a search engine starts; every public address linked from there is crawled.
START_PAGES = [
    *("/investors/", "/investors/governance/", "/investors/news/feed/", "/investors/events.ics"),
    *("/sitemap.xml", "/robots.txt"),
]


def body(response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return data.decode(errors="replace")


LINK = re.compile(r"""(?:href=|src=|<loc>|<link>)["']?((?:https?://[^/"'<\s]+)?/[^"'<>\s#]*)""")


def crawl(client) -> dict[str, int]:
    """Every public address reachable from the start pages, with its status."""
    seen, queue = {}, list(START_PAGES)
    while queue and len(seen) < 400:
        path = queue.pop()
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = response.status_code
        if response.status_code != 200:
            continue
        for found in LINK.findall(body(response)):
            local = urlsplit(found)
            target = local.path + (f"?{local.query}" if local.query else "")
            if target.startswith(("/investors/", "/sitemap")) and target not in seen:
                queue.append(target)
    return seen


@pytest.fixture
def demo_portal(tmp_path, settings):
    """The demo, then the company's own IR Admin and profile, as before go-live."""
    settings.VAR_DIR = tmp_path
    call_command("seed_demo")
    company_profile_update(actor=None, **OWN_COMPANY)
    return UserFactory(username="lortiz", roles=[IR_ADMIN])


def demo_rows() -> dict[str, int]:
    marked = [model for model in apps.get_models() if "is_demo" in {field.name for field in model._meta.fields}]
    return {model._meta.label: model.objects.filter(is_demo=True).count() for model in marked}


def remove(client):
    return client.post(reverse("company:demo_remove"), follow=True)


def test_removal_deletes_every_demo_item_with_its_files_and_is_audited(
    client, demo_portal, django_capture_on_commit_callbacks, settings
):
    assert (settings.VAR_DIR / "demo-logins.txt").exists()
    files = [name for row in DocumentFile.objects.all() for name in (row.file.name, row.thumbnail.name) if name]
    assert files and all(default_storage.exists(name) for name in files)
    publications = AuditEntry.objects.filter(action="release.publish").count()
    assert publications > 0 and sum(demo_rows().values()) > 0
    sign_in(client, demo_portal)

    with django_capture_on_commit_callbacks(execute=True):
        response = remove(client)

    assert "The demo content was removed" in response.content.decode()
    assert demo_rows() == dict.fromkeys(demo_rows(), 0)
    assert not DemoAccount.objects.exists()
    assert not User.objects.filter(username__in=DEMO_USERNAMES).exists()
    assert not DailyPrice.objects.exists() and not DocumentFile.objects.exists()
    assert not any(default_storage.exists(name) for name in files)
    assert not (settings.VAR_DIR / "demo-logins.txt").exists()
    entry = AuditEntry.objects.get(action="company.demo_remove")
    assert entry.actor_id == demo_portal.pk
    assert entry.data["removed"]["release"] == 6 and entry.data["removed"]["users"] == 4
    assert entry.data["step_up"]["factor"] == "totp"
    # Records stay records: what the log said about the demo content is still there.
    assert AuditEntry.objects.filter(action="release.publish").count() == publications
    page = client.get(reverse("company:setup")).content.decode()
    assert 'data-step="demo" data-done="yes"' in page


def test_nothing_of_the_demo_is_left_on_any_public_page(client, demo_portal, django_capture_on_commit_callbacks):
    before = crawl(client)
    kinds = ("/investors/news/", "/investors/events/", "/investors/documents/")
    details = [path for path in before if path.startswith(kinds) and "-" in path]
    assert all(any(path.startswith(kind) for path in details) for kind in kinds)
    assert any("/files/" in path for path in details)
    sign_in(client, demo_portal)
    with django_capture_on_commit_callbacks(execute=True):
        remove(client)
    client.logout()

    after = crawl(client) | {path: client.get(path).status_code for path in before}
    for path, status in after.items():
        if status == 200:
            text = body(client.get(path)).casefold()
            assert "halvorsen" not in text and "hlvi" not in text and "webcasts.example" not in text, path
    for path in details:
        assert after[path] == 404, path


def test_removal_is_refused_and_audited_once_the_companys_own_content_was_published(client, demo_portal):
    author, approver = UserFactory(roles=[IR_AUTHOR]), UserFactory(roles=[IR_APPROVER])
    own = publish_now(author, approver, headline="Corvane Doses First Patient", body="<p>Corvane today dosed.</p>")
    before = demo_rows()
    sign_in(client, demo_portal)

    page = client.get(reverse("company:setup")).content.decode()
    assert "can no longer be removed" in page and "Corvane Doses First Patient" in page
    response = remove(client)

    assert "can only be removed before go-live" in response.content.decode()
    assert demo_rows() == before and DemoAccount.objects.count() == 4
    refusal = AuditEntry.objects.get(action="company.demo_remove_refused")
    assert refusal.actor_id == demo_portal.pk and "Corvane Doses First Patient" in refusal.data["reason"]
    assert not AuditEntry.objects.filter(action="company.demo_remove").exists()
    assert Release.objects.filter(pk=own.pk, is_demo=False).exists()


def test_removal_asks_for_the_second_factor_again_and_removes_nothing_without_it(client, demo_portal):
    sign_in(client, demo_portal, verified_at=timezone.now() - dt.timedelta(hours=1))
    response = client.post(reverse("company:demo_remove"))
    assert response.status_code == 403 and "second_factor_code" in response.content.decode()
    assert DemoAccount.objects.count() == 4 and sum(demo_rows().values()) > 0
    assert not AuditEntry.objects.filter(action="company.demo_remove").exists()


def test_a_demo_sign_in_cannot_remove_the_demo_content(client, demo_portal):
    demo_admin = User.objects.get(username="admin")
    sign_in(client, demo_admin)
    response = remove(client)
    assert "Sign in with your own IR Admin account" in response.content.decode()
    assert DemoAccount.objects.count() == 4
    assert AuditEntry.objects.filter(action="company.demo_remove_refused", actor_id=demo_admin.pk).exists()


def test_removal_is_refused_while_a_package_of_the_companys_own_holds_a_demo_item(client, demo_portal):
    author = UserFactory(roles=[IR_AUTHOR])
    demo_release = Release.objects.get(slug="halvorsen-fourth-quarter-2026-results")
    package_create(actor=author, title="Q4 2026 results", members=[("release", demo_release.pk)])
    sign_in(client, demo_portal)
    response = remove(client)
    assert "the package “Q4 2026 results” holds a demo release" in response.content.decode()
    assert Release.objects.filter(pk=demo_release.pk).exists() and DemoAccount.objects.count() == 4
    refusal = AuditEntry.objects.get(action="company.demo_remove_refused")
    assert "Q4 2026 results" in refusal.data["reason"]
