import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from irportal.accounts.roles import IR_AUTHOR
from irportal.audit.models import AuditEntry
from irportal.workflow.models import ApprovalStep
from releases.services import EditConflict, release_update
from tests.conftest import is_postgres
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
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(editor, headline):
        try:
            barrier.wait()
            release_update(actor=editor, pk=release.pk, base_version=release.version, headline=headline)
            outcomes[headline] = "saved"
        except EditConflict:
            outcomes[headline] = "conflict"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(first, "Headline from the first editor")),
        threading.Thread(target=save, args=(second, "Headline from the second editor")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(headline for headline, outcome in outcomes.items() if outcome == "saved")
    release.refresh_from_db()
    assert (release.version, release.headline) == (2, winner)
    assert AuditEntry.objects.filter(action="release.edit").count() == 1
