"""Documents pass the same workflow as releases: approval steps, separation of duties, embargo, sweep, audit,
insider lists and retention."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from irportal.audit.exceptions import RetentionRefused
from irportal.audit.insiders import insider_list
from irportal.audit.models import AuditEntry
from irportal.audit.retention import refuse_if_protected
from irportal.workflow.engine import WorkflowPermissionDenied
from irportal.workflow.sweep import run_sweep
from releases.checks import CODES as EVERY_RELEASE_WARNING
from releases.workflow import release_approve, release_submit
from reports.checks import CODES as EVERY_WARNING
from reports.checks import document_checks
from reports.models import Document, DocumentFile
from reports.workflow import document_approve, document_publish, document_submit, document_withdraw
from tests.factories import make_release
from tests.reports.builders import make_document

pytestmark = pytest.mark.django_db


def test_nobody_approves_a_document_they_wrote(company, author, approver):
    from irportal.accounts.roles import IR_APPROVER

    author.groups.add(approver.groups.get(name=IR_APPROVER))  # an author who is also an approver
    document = make_document(author)
    document_submit(document_id=document.pk, actor=author)
    with pytest.raises(WorkflowPermissionDenied):
        document_approve(document_id=document.pk, actor=author, acknowledged=EVERY_WARNING)
    approved = document_approve(document_id=document.pk, actor=approver, acknowledged=EVERY_WARNING)
    assert approved.status == "approved"
    assert approved.approved_revision.content_hash == document.revisions.get().content_hash


def test_the_sweep_publishes_a_due_document_once_as_the_system(company, author, approver):
    embargo = timezone.now().replace(microsecond=0) + dt.timedelta(hours=3)
    document = make_document(author)
    document_submit(document_id=document.pk, actor=author)
    document_approve(document_id=document.pk, actor=approver, acknowledged=EVERY_WARNING, publish_at=embargo)
    with time_machine.travel(embargo - dt.timedelta(seconds=1), tick=False):
        assert run_sweep()["reports.publish"] == []
    with time_machine.travel(embargo, tick=False):
        assert run_sweep()["reports.publish"] == [document.pk]
        assert run_sweep()["reports.publish"] == []
    published = Document.objects.get(pk=document.pk)
    assert (published.status, published.first_published_at) == ("published", embargo)
    entry = AuditEntry.objects.get(action="document.publish")
    assert (entry.actor_id, entry.data["by"]) == (None, "sweep")


def test_staff_reads_before_publication_make_the_insider_list_and_publication_closes_it(
    client, company, author, approver
):
    from tests.factories import fresh_step_up, sign_in

    document = make_document(author)
    sign_in(client, approver)
    client.get(document.get_staff_url())
    document_submit(document_id=document.pk, actor=author)
    document_approve(document_id=document.pk, actor=approver, acknowledged=EVERY_WARNING, step_up=fresh_step_up())
    document_publish(document_id=document.pk, actor=approver, step_up=fresh_step_up())
    client.get(document.get_staff_url())  # public now: no longer an insider read
    listing = insider_list("reports.document", str(document.pk))
    assert listing.closed
    assert [insider.actor_id for insider in listing.insiders] == [approver.pk]


def test_a_published_document_its_revisions_and_files_are_kept(company, author, approver):
    document = make_document(author)
    document_submit(document_id=document.pk, actor=author)
    document_approve(document_id=document.pk, actor=approver, acknowledged=EVERY_WARNING)
    document_publish(document_id=document.pk, actor=approver)
    document_withdraw(document_id=document.pk, actor=approver, reason="Posted in error")
    for record in (Document.objects.get(pk=document.pk), document.revisions.get(), DocumentFile.objects.get()):
        with pytest.raises(RetentionRefused):
            refuse_if_protected(record, actor=approver)
    # Nothing else refers to a file: the retention guard is what stops it.
    with pytest.raises(RetentionRefused), transaction.atomic():
        DocumentFile.objects.get().delete()
    for doomed in (document.revisions.get(), Document.objects.get(pk=document.pk)):
        with pytest.raises((RetentionRefused, ProtectedError)), transaction.atomic():
            doomed.delete()
    assert Document.objects.filter(pk=document.pk, status="withdrawn").exists()
    assert DocumentFile.objects.filter(document=document).count() == 1


def test_a_draft_that_was_never_public_is_not_protected(company, author):
    document = make_document(author)
    for record in (document, document.revisions.get(), DocumentFile.objects.get()):
        refuse_if_protected(record, actor=author)
    assert not AuditEntry.objects.filter(action="retention.delete_refused").exists()


def test_checks_warn_when_the_documents_would_go_public_before_their_results_release(company, author, approver):
    embargo = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
    release = make_release(author, slug="q3-release")
    release_submit(release_id=release.pk, actor=author)
    release_approve(release_id=release.pk, actor=approver, acknowledged=EVERY_RELEASE_WARNING, publish_at=embargo)
    document = Document.objects.get(pk=make_document(author, release=release).pk)
    codes = {check.code for check in document_checks(document)}
    assert "release_timing" in codes
    document.publish_at = embargo
    assert "release_timing" not in {check.code for check in document_checks(document)}
    document.publish_at = embargo - dt.timedelta(minutes=1)
    assert "release_timing" in {check.code for check in document_checks(document)}


def test_checks_warn_about_results_dated_before_their_quarter_ended(company, author):
    document = make_document(author, document_date=dt.date(2026, 9, 1))
    messages = [check.message for check in document_checks(document) if check.code == "period"]
    assert messages == [
        "Results for Q3 FY2026 are dated Sept. 1, 2026, but that quarter ends Sept. 30, 2026: check the period."
    ]


def test_a_quarter_not_over_yet_is_ending_not_ended():
    from types import SimpleNamespace

    import time_machine

    from reports.selectors import Quarter

    quarter = Quarter(2026, 4, documents=[SimpleNamespace(period_ends_on=dt.date(2026, 12, 31))])
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC), tick=False):
        assert not quarter.ended
    with time_machine.travel(dt.datetime(2027, 1, 2, 12, tzinfo=dt.UTC), tick=False):
        assert quarter.ended
