import pytest
from django.db.models import ProtectedError

from irportal.audit.models import AuditEntry
from irportal.audit.retention import RetentionRefused, refuse_if_protected
from releases.checks import CODES as EVERY_WARNING
from releases.models import Release
from releases.workflow import release_approve, release_publish, release_submit
from tests.factories import make_release, sign_in

pytestmark = pytest.mark.django_db


def test_a_release_that_was_public_cannot_be_deleted(company, author, approver):
    release = make_release(author)
    release_submit(release_id=release.pk, actor=author)
    release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver)
    release_publish(release_id=release.pk, actor=approver)
    with pytest.raises(RetentionRefused):
        refuse_if_protected(Release.objects.get(pk=release.pk), actor=approver)
    with pytest.raises((RetentionRefused, ProtectedError)):
        Release.objects.get(pk=release.pk).delete()
    assert Release.objects.filter(pk=release.pk).exists()
    refusal = AuditEntry.objects.get(action="retention.delete_refused")
    assert (refusal.actor_id, refusal.object_id) == (approver.pk, str(release.pk))


def test_a_draft_that_was_never_public_is_not_protected(company, author):
    release = make_release(author)
    refuse_if_protected(release, actor=author)
    assert not AuditEntry.objects.filter(action="retention.delete_refused").exists()


def test_compliance_sees_the_history_and_insider_links(client, company, author):
    from irportal.accounts.roles import COMPLIANCE_REVIEWER
    from tests.factories import UserFactory

    release = make_release(author)
    sign_in(client, UserFactory(roles=[COMPLIANCE_REVIEWER]))
    page = client.get(release.get_staff_url()).content.decode()
    assert f"/compliance/audit/object/releases.release/{release.pk}/" in page
    sign_in(client, author)
    assert "/compliance/audit/object/" not in client.get(release.get_staff_url()).content.decode()
