"""The one staff console: the same addresses, behaviour and bounded reads for every kind."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, resolve, reverse
from django.utils import timezone

from events.models import Event
from events.services import event_update
from events.workflow import event_submit
from irportal.accounts.roles import COMPLIANCE_REVIEWER, IR_APPROVER, IR_AUTHOR
from irportal.audit.models import AuditEntry
from irportal.workflow import engine
from irportal.workflow.console import kinds
from irportal.workflow.console import urls as console_urls
from irportal.workflow.models import Approval, State
from releases.checks import CODES as EVERY_WARNING
from releases.models import Release
from releases.services import release_update
from releases.workflow import release_approve, release_publish, release_submit
from reports.models import Document
from reports.workflow import document_submit
from tests.events.builders import make_event, published
from tests.factories import UserFactory, fresh_step_up, make_release, shown_revision, sign_in
from tests.reports.builders import make_document

pytestmark = pytest.mark.django_db


def console_url(name, kind, **kwargs):
    return reverse(f"console:{name}", kwargs={"kind": kind, **kwargs})


def make_item(kind, author, n):
    if kind == "releases":
        return make_release(author, slug=f"release-{n}", headline=f"Halvorsen news number {n}")
    if kind == "documents":
        return make_document(author, slug=f"document-{n}", title=f"Results number {n}")
    return make_event(author, slug=f"event-{n}", title=f"Presentation number {n}")


def submit(item, author):
    if isinstance(item, Release):
        return release_submit(release_id=item.pk, actor=author)
    if isinstance(item, Document):
        return document_submit(document_id=item.pk, actor=author)
    return event_submit(event_id=item.pk, actor=author)


# -- one set of addresses ---------------------------------------------------------------------


def test_every_console_address_serves_every_kind_with_the_same_view():
    arguments = {"pk": 7, "number": 2, "transition": "approve", "operation": "x", "token": "t", "rendition": "file"}
    patterns = [p for p in console_urls.urlpatterns if isinstance(p, URLPattern) and "kind" in str(p.pattern)]
    assert {pattern.name for pattern in patterns} == {
        "list", "create", "detail", "edit", "preview", "history", "restore", "transition", "comment", "operation",
        "file",
    }  # fmt: skip
    slugs = [kind.slug for kind in kinds()]
    assert {"releases", "events"} <= set(slugs)
    for pattern in patterns:
        names = re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern))
        views = set()
        for slug in slugs:
            path = console_url(pattern.name, slug, **{name: arguments[name] for name in names if name != "kind"})
            assert path.startswith(f"/staff/{slug}/")
            views.add(resolve(path).func.view_class)
        assert len(views) == 1, pattern.name
    assert resolve("/staff/users/").url_name == "user_list"  # a word that is no kind is not a console address


# -- bounded reads ----------------------------------------------------------------------------


def count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("kind", ["releases", "events", "documents"])
def test_a_list_reads_as_many_queries_for_5_rows_as_for_100(client, company, author, kind):
    reader = UserFactory(roles=[IR_APPROVER])
    for n in range(5):
        submit(make_item(kind, author, n), author)
    sign_in(client, reader)
    path = console_url("list", kind)
    client.get(path)  # the first visit writes the insider records of the rows it shows
    few = count_queries(client, path)
    for n in range(5, 100):
        submit(make_item(kind, author, n), author)
    client.get(path)
    many = count_queries(client, path)
    assert few == many
    page = client.get(path).content.decode()
    assert page.count('data-action="approve"') == 50  # a page of 50, each awaiting this approver


def test_the_dashboard_reads_as_many_queries_for_5_items_as_for_100(client, company, author):
    approver = UserFactory(roles=[IR_APPROVER])
    for n in range(5):
        for kind in ("releases", "events", "documents"):
            submit(make_item(kind, author, n), author)
    sign_in(client, approver)
    client.get(reverse("accounts:console"))  # fills the process's content-type cache, writes the session's last use
    few = count_queries(client, reverse("accounts:console"))
    for n in range(5, 100):
        for kind in ("releases", "events", "documents"):
            submit(make_item(kind, author, n), author)
    client.get(reverse("accounts:console"))  # the session's last use is written at most once a minute: now, not then
    many = count_queries(client, reverse("accounts:console"))
    assert few == many
    waiting = client.get(reverse("accounts:console")).content.decode().split('data-testid="waiting"')[1]
    assert "Halvorsen news number 0" in waiting.split("</ul>")[0]


def test_two_items_of_the_same_name_are_told_apart_by_their_date(client, company, author):
    from tests.events.builders import START

    this_year = make_event(author, slug="investor-day-2026", title="Investor Day")
    next_year = make_event(
        author, slug="investor-day-2027", title="Investor Day", starts_at=START + timedelta(days=364)
    )
    for event in (this_year, next_year):
        submit(event, author)
    sign_in(client, UserFactory(roles=[IR_APPROVER]))
    page = client.get(reverse("accounts:console")).content.decode()
    waiting = page.split('data-testid="waiting"')[1].split("</ul>")[0]
    dates = re.findall(r'data-testid="item-date"><time datetime="[^"]+">([^<]+)</time>', waiting)
    assert dates == ["Dec. 8, 2026, 9:00 am MST", "Dec. 7, 2027, 9:00 am MST"]
    listed = client.get(console_url("list", "events")).content.decode()
    assert re.findall(r'data-testid="item-date"><time datetime="[^"]+">([^<]+)</time>', listed) == [
        "Dec. 7, 2027, 9:00 am MST",
        "Dec. 8, 2026, 9:00 am MST",
    ]


# -- one way to refuse ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["releases", "events"])
def test_a_refused_action_answers_the_same_way_for_every_kind(client, company, author, kind):
    item = make_item(kind, author, 1)
    # Withdrawing a draft: the approver may withdraw, but not in this state.
    sign_in(client, UserFactory(roles=[IR_APPROVER]))
    response = client.post(console_url("transition", kind, pk=item.pk, transition="withdraw"), {"reason": "Oops"})
    assert response.status_code == 409
    assert next(t.name for t in response.templates) == "staff/refused.html"
    assert "Only a published" in response.content.decode()
    # Approving one's own: not allowed to this person.
    submit(item, author)
    author.groups.add(*UserFactory(roles=[IR_APPROVER]).groups.all())
    sign_in(client, author)
    response = client.post(console_url("transition", kind, pk=item.pk, transition="approve"), shown_revision(item))
    assert response.status_code == 403
    assert next(t.name for t in response.templates) == "staff/refused.html"
    assert type(item).objects.get(pk=item.pk).status == State.IN_REVIEW


@pytest.mark.parametrize("kind", ["releases", "events"])
def test_an_action_address_answers_get_with_405_and_an_unknown_action_with_404(client, company, author, kind):
    item = make_item(kind, author, 1)
    sign_in(client, author)
    assert client.get(console_url("transition", kind, pk=item.pk, transition="submit")).status_code == 405
    assert client.post(console_url("transition", kind, pk=item.pk, transition="teleport")).status_code == 404
    assert type(item).objects.get(pk=item.pk).status == State.DRAFT


# -- history, comparison and restore for events too -------------------------------------------


def test_events_have_history_a_readable_comparison_and_restore(client, company, author):
    event = make_event(author, title="Presentation at the Winter Technology Conference")
    event_update(actor=author, pk=event.pk, base_version=1, title="Fireside chat at the Winter Technology Conference")
    sign_in(client, author)
    page = client.get(console_url("history", "events", pk=event.pk), {"a": 1, "b": 2}).content.decode()
    diff = page.split('data-testid="diff"')[1].split("</section>")[0]
    assert "<del>Presentation</del>" in diff and "<ins>Fireside chat</ins>" in diff
    assert "{" not in diff  # words, not JSON
    response = client.post(console_url("restore", "events", pk=event.pk, number=1))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.version == 3 and event.title == "Presentation at the Winter Technology Conference"
    assert AuditEntry.objects.filter(action="event.restore", object_id=str(event.pk)).count() == 1


def test_a_release_comparison_writes_contacts_and_dateline_as_words(client, company, author):
    release = make_release(author)
    release_update(actor=author, pk=release.pk, base_version=1, dateline_city="Tempe", contacts=[])
    sign_in(client, author)
    page = client.get(console_url("history", "releases", pk=release.pk), {"a": 1, "b": 2}).content.decode()
    diff = page.split('data-testid="diff"')[1].split("</section>")[0]
    assert "<del>Phoenix,</del><ins>Tempe,</ins> Ariz." in diff
    assert "{" not in diff


# -- the review screen ------------------------------------------------------------------------


def test_the_review_screen_shows_the_text_and_the_checks_and_a_published_item_has_no_checks(
    client, company, author, approver
):
    release = make_release(author)
    release.contacts.clear()
    sign_in(client, approver)
    page = client.get(release.get_staff_url()).content.decode()
    assert "Revenue of $84.2 million" in page.split('data-testid="review-content"')[1]
    assert 'data-check="contacts"' in page
    release_submit(release_id=release.pk, actor=author)
    release_approve(release_id=release.pk, actor=approver, acknowledged=EVERY_WARNING, step_up=fresh_step_up())
    release_publish(release_id=release.pk, actor=approver, step_up=fresh_step_up())
    page = client.get(release.get_staff_url()).content.decode()
    assert "Checks before approval" not in page and 'data-check="' not in page


def test_acknowledgements_are_kept_with_the_approval_and_in_its_audit_entry(company, author, approver):
    release = make_release(author)
    release.contacts.clear()
    release_submit(release_id=release.pk, actor=author)
    shown = {check.code for check in engine.checks_for(engine.spec_for("release"), release)}
    assert "contacts" in shown
    with pytest.raises(engine.UnacknowledgedWarnings) as refused:
        release_approve(
            release_id=release.pk, actor=approver, acknowledged=shown - {"contacts"}, step_up=fresh_step_up()
        )
    assert [check.code for check in refused.value.warnings] == ["contacts"]
    assert Release.objects.get(pk=release.pk).status == State.IN_REVIEW
    release_approve(release_id=release.pk, actor=approver, acknowledged=shown, step_up=fresh_step_up())
    approval = Approval.objects.get(object_id=release.pk)
    assert {warning["code"] for warning in approval.acknowledged_warnings} == shown
    entry = AuditEntry.objects.get(action="release.approve", object_id=str(release.pk))
    assert entry.data["acknowledged_warnings"] == approval.acknowledged_warnings


def test_an_event_with_a_missing_disclosure_fact_cannot_be_approved_even_acknowledged(company, author, approver):
    event = make_event(author, webcast_url="")
    event_submit(event_id=event.pk, actor=author)
    with pytest.raises(engine.TransitionNotAllowed, match="webcast access link is missing"):
        engine.approve(
            engine.spec_for("event"), pk=event.pk, actor=approver, acknowledged={"disclosure"}, step_up=fresh_step_up()
        )


# -- insider reads ----------------------------------------------------------------------------


def test_the_list_records_each_unpublished_row_once_within_a_few_minutes(client, company, author, approver):
    draft = make_release(author, slug="draft-one")
    correction = make_release(author, slug="corrected")
    release_submit(release_id=correction.pk, actor=author)
    release_approve(release_id=correction.pk, actor=approver, acknowledged=EVERY_WARNING, step_up=fresh_step_up())
    release_publish(release_id=correction.pk, actor=approver, step_up=fresh_step_up())
    release_update(actor=author, pk=correction.pk, base_version=1, headline="A correction not yet approved")
    clean = make_release(author, slug="public-as-it-is")
    release_submit(release_id=clean.pk, actor=author)
    release_approve(release_id=clean.pk, actor=approver, acknowledged=EVERY_WARNING, step_up=fresh_step_up())
    release_publish(release_id=clean.pk, actor=approver, step_up=fresh_step_up())
    reader = UserFactory(roles=[COMPLIANCE_REVIEWER])
    sign_in(client, reader)
    client.get(console_url("list", "releases"))
    client.get(console_url("list", "releases"))

    def recorded():
        entries = AuditEntry.objects.filter(action="release.access", actor_id=reader.pk, data__view="list")
        return sorted(entries.values_list("object_id", flat=True))

    assert recorded() == sorted([str(draft.pk), str(correction.pk)])
    with time_machine.travel(timezone.now() + engine.ACCESS_RECORD_EVERY + timedelta(seconds=1)):
        client.get(console_url("list", "releases"))
    assert len(recorded()) == 4


def test_a_file_download_and_the_calendar_are_insider_reads(client, company, author):
    event = make_event(author, starts_at=timezone.now() + timedelta(days=3))
    reader = UserFactory(roles=[IR_AUTHOR])
    sign_in(client, reader)
    client.get(reverse("console:calendar"), {"month": f"{event.starts_at:%Y-%m}"})
    assert AuditEntry.objects.filter(
        action="event.access", actor_id=reader.pk, object_id=str(event.pk), data__view="calendar"
    ).exists()


# -- the publication calendar and its private feed --------------------------------------------


def test_the_calendar_shows_a_week_and_refuses_a_bad_one(client, company, author):
    event = make_event(author)
    sign_in(client, author)
    page = client.get(reverse("console:calendar"), {"week": f"{event.starts_at:%G-W%V}"}).content.decode()
    assert event.title in page and "week of" in page
    for week in ("2026-W60", "week", "0001-W01"):
        assert client.get(reverse("console:calendar"), {"week": week}).status_code == 400


def test_a_private_calendar_feed_names_unpublished_items_by_number_and_can_be_revoked(
    client, company, author, approver
):
    public = published(make_event(author, title="Public presentation"), author, approver)
    secret = make_event(author, title="Unannounced acquisition call")
    sign_in(client, author)
    response = client.post(reverse("console:calendar_feed_manage"), {"action": "create"}, follow=True)
    url = re.search(r"(http://testserver/feeds/calendar/[\w-]+\.ics)", response.content.decode())[1]
    client.logout()
    feed = client.get(url.replace("http://testserver", "")).content.decode()
    assert "Public presentation" in feed
    assert "Unannounced acquisition call" not in feed and f"Event #{secret.pk}" in feed
    assert public.title in feed
    assert AuditEntry.objects.filter(action="calendar.feed_create", actor_id=author.pk).count() == 1
    sign_in(client, author)
    client.post(reverse("console:calendar_feed_manage"), {"action": "revoke"})
    client.logout()
    assert client.get(url.replace("http://testserver", "")).status_code == 404
    assert AuditEntry.objects.filter(action="calendar.feed_revoke", actor_id=author.pk).count() == 1


# -- the audit registry knows each kind's own words -------------------------------------------


def test_each_kind_labels_its_own_audit_actions():
    from irportal.audit.registry import action_label

    assert action_label("event.replay_expire") == "Event replay expired"
    assert action_label("event.approve") == "Event approved"
    assert action_label("release.access") == "Release opened (unpublished)"
    assert action_label("calendar.feed_revoke") == "Revoked a private calendar address"


def test_the_release_check_codes_are_every_code_the_checks_write():
    from pathlib import Path

    import releases.checks

    source = Path(releases.checks.__file__).read_text()
    written = set(re.findall(r'Check\(\s*"(\w+)"', source))
    assert written == set(EVERY_WARNING)


def test_the_event_kind_approval_is_refused_for_an_item_changed_since_it_was_shown(company, author, approver):
    event = make_event(author)
    event_submit(event_id=event.pk, actor=author)
    shown = shown_revision(Event.objects.get(pk=event.pk))
    with pytest.raises(engine.TransitionNotAllowed, match="changed since you opened it"):
        engine.approve(
            engine.spec_for("event"),
            pk=event.pk,
            actor=approver,
            expected_revision=shown["expected_revision"] + 1,
            expected_hash=shown["expected_hash"],
            step_up=fresh_step_up(),
        )


# -- the words of the log and the lists -----------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "label"),
    [
        ("release.withdraw", "Release withdrawn"),
        ("event.request_changes", "Changes requested on an event"),
        ("event.upload", "File added to an event"),
        ("release.comment", "Comment on a release"),
        ("document.restore", "Document restored to an earlier revision"),
    ],
)
def test_audit_actions_are_labelled_in_plain_english(action, label):
    from irportal.audit.registry import action_label

    assert action_label(action) == label


def test_no_two_audit_actions_share_a_label():
    from collections import Counter

    from irportal.audit.registry import registered_actions

    shared = {label: count for label, count in Counter(registered_actions().values()).items() if count > 1}
    assert shared == {}
