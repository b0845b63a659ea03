import pytest
from django.contrib.auth.models import Group

from irportal.accounts.roles import IR_AUTHOR
from irportal.audit.models import AuditEntry
from irportal.workflow.engine import EditConflict
from irportal.workflow.models import ApprovalStep
from releases.services import release_update
from tests.conftest import in_parallel, is_postgres
from tests.factories import UserFactory, make_release


@pytest.mark.django_db(transaction=True)
def test_two_editors_saving_from_the_same_revision_at_once_one_wins_one_conflicts():
    if not is_postgres():
        pytest.skip("parallel editors are exercised on PostgreSQL")
    ApprovalStep.objects.get_or_create(
        order=1, defaults={"name": "IR review", "group": Group.objects.get(name="IR Approver")}
    )
    first, second = UserFactory(roles=[IR_AUTHOR]), UserFactory(roles=[IR_AUTHOR])
    release = make_release(first)

    def save(editor, headline):
        try:
            release_update(actor=editor, pk=release.pk, base_version=release.version, headline=headline)
        except EditConflict:
            return "conflict"
        return "saved"

    headlines = ["Headline from the first editor", "Headline from the second editor"]
    outcomes = in_parallel(lambda: save(first, headlines[0]), lambda: save(second, headlines[1]))
    assert sorted(outcomes) == ["conflict", "saved"]
    winner = headlines[outcomes.index("saved")]
    release.refresh_from_db()
    assert (release.version, release.headline) == (2, winner)
    assert AuditEntry.objects.filter(action="release.edit").count() == 1
