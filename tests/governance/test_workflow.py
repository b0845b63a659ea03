"""A change to the board or management is a disclosure: the same workflow as a release, public to the second."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from governance import selectors, services
from governance.models import Person
from governance.workflow import PERSON
from investors import schedule
from irportal.audit.models import AuditEntry
from irportal.workflow import engine
from irportal.workflow.engine import WorkflowPermissionDenied
from irportal.workflow.sweep import run_sweep
from tests.governance.builders import approve, make_person, published_committee, published_person

pytestmark = pytest.mark.django_db


def test_nobody_approves_a_board_change_they_wrote(company, author, approver):
    from irportal.accounts.roles import IR_APPROVER

    author.groups.add(approver.groups.get(name=IR_APPROVER))
    person = make_person(author)
    engine.submit(PERSON, pk=person.pk, actor=author)
    with pytest.raises(WorkflowPermissionDenied):
        engine.approve(PERSON, pk=person.pk, actor=author, acknowledged=["past"])
    assert Person.objects.get(pk=person.pk).status == "in_review"


def test_an_embargoed_new_director_is_on_the_board_and_the_matrix_at_the_second_and_not_before(
    company, author, approver
):
    audit = published_committee(author, approver, name="Audit Committee")
    embargo = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours=2)
    person = make_person(author, name="Noor Castellane", committees=[audit], chairs=[audit])
    approve(PERSON, person, approver, publish_at=embargo)
    before = embargo - dt.timedelta(seconds=1)
    assert [doc.name for doc in selectors.board(before)] == []
    assert selectors.composition(before).rows == []
    assert [doc.name for doc in selectors.board(embargo)] == ["Noor Castellane"]
    matrix = selectors.composition(embargo)
    ((row_person, cells),) = matrix.rows
    assert row_person.name == "Noor Castellane" and cells[0].chair
    assert matrix.committees[0].chair.name == "Noor Castellane"
    with time_machine.travel(embargo, tick=False):
        assert run_sweep()["governance.people"] == [person.pk]
    entry = AuditEntry.objects.filter(action="person.publish").get()
    assert (entry.actor_id, entry.data["by"]) == (None, "sweep")


def test_an_edit_keeps_the_public_reading_the_approved_board_until_the_correction_is_published(
    company, author, approver
):
    person = published_person(author, approver, name="Ines Varga", board_title="Director")
    services.person_update(actor=author, pk=person.pk, base_version=None, board_title="Chair of the Board")
    now = timezone.now()
    (doc,) = selectors.board(now)
    assert doc.board_title == "Director"
    assert Person.objects.get(pk=person.pk).status == "draft"


def test_a_director_whose_service_ended_leaves_the_board_the_next_day(company, author, approver):
    last_day = dt.date(2026, 6, 30)
    published_person(author, approver, name="Oskar Lind", service_end=last_day)
    zone = company.zone
    on_last_day = dt.datetime(2026, 6, 30, 23, 59, 59, tzinfo=zone)
    next_day = dt.datetime(2026, 7, 1, tzinfo=zone)
    assert [doc.name for doc in selectors.board(on_last_day)] == ["Oskar Lind"]
    assert selectors.board(next_day) == []
    assert schedule.next_change(on_last_day) == next_day  # the public cache keeps no copy past it


def test_a_committee_that_is_not_public_is_left_out_of_memberships(company, author, approver):
    from tests.governance.builders import make_committee

    draft = make_committee(author, name="Risk Committee")
    published_person(author, approver, name="Amara Quist", committees=[draft])
    (doc,) = selectors.board(timezone.now())
    assert doc.memberships == []


def test_a_withdrawn_person_leaves_every_list(company, author, approver):
    from tests.factories import fresh_step_up

    person = published_person(author, approver, name="Teo Brandt", management_title="Chief Financial Officer")
    engine.withdraw(PERSON, pk=person.pk, actor=approver, reason="Resigned", step_up=fresh_step_up())
    assert selectors.board(timezone.now()) == [] and selectors.management(timezone.now()) == []


def test_someone_neither_on_the_board_nor_in_management_is_refused(company, author):
    with pytest.raises(services.GovernanceError):
        make_person(author, board_title="", management_title="")
    assert not Person.objects.exists()
