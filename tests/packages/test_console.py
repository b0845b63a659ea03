"""Packages on the one console: made from the items not yet public, approved in one action, on the dashboard."""

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from irportal.accounts.roles import IR_APPROVER
from irportal.audit.models import AuditEntry
from irportal.workflow import engine
from irportal.workflow.models import State
from packages.models import Package
from packages.workflow import PACKAGE
from releases.models import Release
from tests.factories import UserFactory, make_release, shown_revision, sign_in
from tests.packages.builders import approved_package, earnings_items, every_warning, make_package

pytestmark = pytest.mark.django_db


def test_an_author_makes_a_package_from_the_items_not_yet_public(client, company, author):
    release, results, tables, webcast = earnings_items(author)
    sign_in(client, author)
    form = client.get(reverse("console:create", kwargs={"kind": "packages"})).content.decode()
    assert release.headline in form and webcast.title in form
    answer = client.post(
        reverse("console:create", kwargs={"kind": "packages"}),
        {
            "title": "Q3 2026 results",
            "release": release.pk,
            "documents": [results.pk, tables.pk],
            "events": [webcast.pk],
        },
    )
    package = Package.objects.get()
    assert answer.status_code == 302
    assert [(row.kind, row.object_id) for row in package.members.all()] == [
        ("release", release.pk),
        ("document", tables.pk),  # the documents by their titles
        ("document", results.pk),
        ("event", webcast.pk),
    ]
    page = client.get(package.get_staff_url()).content.decode()
    assert page.count('data-testid="package-member"') == 4
    assert package.revisions.get().content["members"][0] == {
        "kind": "release",
        "id": release.pk,
        "title": release.headline,
    }


def test_a_package_needs_at_least_one_item(client, company, author):
    sign_in(client, author)
    answer = client.post(reverse("console:create", kwargs={"kind": "packages"}), {"title": "Empty"})
    assert answer.status_code == 200
    assert "Choose the items that go out together" in answer.content.decode()
    assert not Package.objects.exists()


def test_the_approver_approves_the_package_on_its_page_with_one_embargo(client, company, author, approver):
    items = earnings_items(author)
    package = make_package(author, items)
    engine.submit(PACKAGE, pk=package.pk, actor=author)
    sign_in(client, approver)
    page = client.get(package.get_staff_url()).content.decode()
    assert 'data-testid="approve-form"' in page
    home = zoneinfo.ZoneInfo(company.home_time_zone)
    embargo = (timezone.now().astimezone(home) + dt.timedelta(days=3)).replace(
        hour=6, minute=0, second=0, microsecond=0
    )
    answer = client.post(
        reverse("console:transition", kwargs={"kind": "packages", "pk": package.pk, "transition": "approve"}),
        {
            **shown_revision(package),
            "publish_at": embargo.strftime("%Y-%m-%dT%H:%M"),
            "acknowledge": sorted(every_warning(package)),
        },
    )
    assert answer.status_code == 302, answer.content.decode()
    assert {type(item).objects.get(pk=item.pk).publish_at for item in items} == {embargo}


def test_rescheduling_a_member_alone_on_its_page_is_refused_with_the_reason(client, company, author, approver):
    other_release = make_release(author, slug="other-news")
    scheduled = approved_package(author, approver, timezone.now() + dt.timedelta(hours=2), [other_release])
    sign_in(client, approver)
    page = client.get(other_release.get_staff_url()).content.decode()
    assert 'data-testid="member-of-package"' in page and scheduled.title in page
    answer = client.post(
        reverse("console:transition", kwargs={"kind": "releases", "pk": other_release.pk, "transition": "schedule"}),
        {"publish_at": (timezone.localtime() + dt.timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M")},
    )
    assert answer.status_code == 409
    assert "goes out with the package" in answer.content.decode()
    assert Release.objects.get(pk=other_release.pk).status == State.APPROVED
    assert AuditEntry.objects.filter(action="security.permission_denied", object_id=str(other_release.pk)).exists()


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_dashboard_panel_reads_as_many_queries_for_5_packages_as_for_100(client, company, author):
    def packages(start, stop):
        for n in range(start, stop):
            package = make_package(
                author, [make_release(author, slug=f"news-{n}", headline=f"News {n}")], title=f"P{n}"
            )
            engine.submit(PACKAGE, pk=package.pk, actor=author)

    reader = UserFactory(roles=[IR_APPROVER])
    packages(0, 5)
    sign_in(client, reader)
    path = reverse("accounts:console")
    client.get(path)
    few = _count(client, path)
    packages(5, 100)
    client.get(path)
    many = _count(client, path)
    assert few == many
    panel = client.get(path).content.decode().split('data-testid="packages"')[1].split("</section>")[0]
    assert panel.count('data-testid="package-row"') == 10
    assert "News 0" in panel


def test_the_calendar_shows_the_package_at_its_embargo_with_its_items_and_the_countdown(
    client, company, author, approver
):
    embargo = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
    package = approved_package(author, approver, embargo, earnings_items(author))
    sign_in(client, author)
    page = client.get(reverse("console:calendar"), {"week": f"{timezone.localtime(embargo):%G-W%V}"}).content.decode()
    entry = page.split(f'href="{package.get_staff_url()}"')[1].split("</li>")[0]
    assert "Q3 2026 results (package: 4 items go public together)" in entry
    assert f'data-countdown="{embargo.isoformat()}"' in entry
