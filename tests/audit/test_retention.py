import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.test import RequestFactory

from company.models import CompanyProfile
from irportal.audit import retention
from irportal.audit.exceptions import RetentionRefused
from irportal.audit.models import AuditEntry
from irportal.audit.services import audit_record
from tests.factories import UserFactory, sign_in

pytestmark = pytest.mark.django_db

PROFILE = {"legal_name": "Example Corp", "short_name": "Example", "exchange": "Nasdaq", "ticker": "EXMP"}


@pytest.fixture
def protected_profiles():
    """Company profiles listed on Nasdaq stand in for published releases while those do not exist yet."""
    retention.protect(
        CompanyProfile, when=Q(exchange="Nasdaq"), reason="listed profiles are records", retained_from="updated_at"
    )
    yield
    retention.unprotect(CompanyProfile)


def make_profile(**overrides) -> CompanyProfile:
    profile = CompanyProfile(**(PROFILE | overrides))
    profile.save()
    return profile


def test_protected_row_is_not_deleted(protected_profiles):
    profile = make_profile()
    with pytest.raises(RetentionRefused, match="cannot be deleted: listed profiles are records"), transaction.atomic():
        profile.delete()
    assert CompanyProfile.objects.filter(pk=profile.pk).exists()


def test_queryset_delete_is_refused_too(protected_profiles):
    make_profile()
    with pytest.raises(RetentionRefused), transaction.atomic():
        CompanyProfile.objects.all().delete()
    assert CompanyProfile.objects.count() == 1


def test_rows_the_predicate_does_not_cover_can_be_deleted(protected_profiles):
    make_profile(exchange="NYSE").delete()
    assert not CompanyProfile.objects.exists()


def test_predicate_is_asked_of_the_database_not_of_the_instance_in_memory(protected_profiles):
    profile = make_profile()
    profile.exchange = "NYSE"  # not saved: the stored row is still protected
    with pytest.raises(RetentionRefused), transaction.atomic():
        profile.delete()


def test_unregistered_models_are_untouched():
    make_profile().delete()
    assert not CompanyProfile.objects.exists()


def test_refuse_if_protected_records_the_attempt(protected_profiles):
    profile = make_profile()
    user = UserFactory(username="hasty")
    with pytest.raises(RetentionRefused):
        retention.refuse_if_protected(profile, actor=user)
    entry = AuditEntry.objects.get(action="retention.delete_refused")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (user.pk, "company.companyprofile", "1")
    assert entry.data == {"reason": "listed profiles are records"}


def test_middleware_records_a_refusal_and_explains_it():
    user = UserFactory()
    request = RequestFactory().post("/anything/")
    request.user = user
    refusal = RetentionRefused(
        object_type="releases.release",
        object_id="3",
        object_label="Q3 results",
        reason="published releases are records",
    )
    response = retention.RetentionRefusalMiddleware(lambda r: None).process_exception(request, refusal)
    assert response.status_code == 403
    assert "Q3 results cannot be deleted: published releases are records" in response.content.decode()
    assert "The attempt was recorded" in response.content.decode()
    assert AuditEntry.objects.get(action="retention.delete_refused").actor_id == user.pk


def test_middleware_does_not_record_a_refusal_twice():
    request = RequestFactory().post("/anything/")
    request.user = AnonymousUser()
    refusal = RetentionRefused(object_type="a.b", object_id="1", object_label="x", reason="kept")
    retention.record_refusal(refusal)
    refusal.recorded = True
    retention.RetentionRefusalMiddleware(lambda r: None).process_exception(request, refusal)
    assert AuditEntry.objects.filter(action="retention.delete_refused").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("tests.audit.retention_urls")
def test_a_delete_view_is_refused_with_a_message_and_the_attempt_survives_the_rollback(client, protected_profiles):
    make_profile()
    user = UserFactory()
    sign_in(client, user)
    response = client.post("/delete-profile/")
    assert response.status_code == 403
    assert "cannot be deleted" in response.content.decode()
    assert CompanyProfile.objects.exists()
    entry = AuditEntry.objects.get(action="retention.delete_refused")
    assert (entry.actor_id, entry.object_type) == (user.pk, "company.companyprofile")


def test_deleting_an_audit_entry_is_a_retention_refusal():
    entry = audit_record(action="auth.login")
    with pytest.raises(RetentionRefused) as refused:
        entry.delete()
    assert (refused.value.object_type, refused.value.object_id) == ("audit.auditentry", str(entry.sequence))
    assert AuditEntry.objects.count() == 1


def test_retention_report_lists_what_is_inside_the_minimum(protected_profiles, capsys, settings):
    settings.AUDIT_RETENTION_YEARS = 7
    make_profile()
    audit_record(action="auth.login")
    call_command("retention_report")
    output = capsys.readouterr().out
    assert "minimum retention: 7 years" in output
    assert "company.companyprofile: 1 protected (listed profiles are records); 1 inside the 7-year minimum" in output
    assert "audit.auditentry: 1 protected (audit entries are kept for good); 1 inside the 7-year minimum" in output
    assert "deletable through the app: none" in output
