"""People and committees in every disclosure language: titles, biography, committee name and description written
in each, required before approval, read in the language of the page."""

import pytest
from django.urls import reverse

from governance import services
from governance.models import Committee, Person
from governance.workflow import COMMITTEE, PERSON
from irportal.workflow.engine import TransitionNotAllowed
from irportal.workflow.models import State
from tests.factories import make_company, sign_in
from tests.governance.builders import approve, make_committee, make_person, publish
from tests.governance.test_console import person_form

pytestmark = pytest.mark.django_db

PERSON_FR = {
    "board_title": "Présidente du conseil",
    "management_title": "",
    "biography": "<p>Siège à des conseils depuis vingt ans.</p>",
}
COMMITTEE_FR = {"name": "Comité d'audit", "description": "Surveille l'information financière."}


@pytest.fixture
def bilingual(db):
    return make_company(disclosure_languages=["en", "fr"])


def translated(spec, item, actor, french):
    update = services.person_update if spec is PERSON else services.committee_update
    item = spec.model.objects.get(pk=item.pk)
    return update(actor=actor, pk=item.pk, base_version=item.version, translations={"fr": french})


def test_a_person_is_not_approved_while_the_french_text_is_missing_and_is_with_it(bilingual, author, approver):
    person = make_person(author, board_title="Chair of the Board")
    with pytest.raises(TransitionNotAllowed, match="French text missing: Board title, Biography"):
        approve(PERSON, person, approver)
    assert Person.objects.get(pk=person.pk).status == State.IN_REVIEW
    translated(PERSON, person, author, PERSON_FR)
    assert approve(PERSON, person, approver).status == State.APPROVED


def test_a_committee_is_not_approved_while_the_french_text_is_missing_and_is_with_it(bilingual, author, approver):
    committee = make_committee(author, name="Audit Committee")
    with pytest.raises(TransitionNotAllowed, match="French text missing: Name, Description"):
        approve(COMMITTEE, committee, approver)
    assert Committee.objects.get(pk=committee.pk).status == State.IN_REVIEW
    translated(COMMITTEE, committee, author, COMMITTEE_FR)
    assert approve(COMMITTEE, committee, approver).status == State.APPROVED


def test_the_french_biography_is_cleaned_as_the_english_is(bilingual, author):
    person = translated(
        PERSON, make_person(author), author, PERSON_FR | {"biography": "<p onclick='x()'>Texte</p><script>x</script>"}
    )
    content = person.revisions.get(number=person.version).content
    assert content["translations"]["fr"]["biography"] == "<p>Texte</p>"


def test_the_console_saves_a_persons_french_titles_and_biography(client, bilingual, author):
    sign_in(client, author)
    create = reverse("console:create", kwargs={"kind": "people"})
    page = client.get(create).content.decode()
    for name in ("board_title", "management_title", "biography"):
        assert f'name="fr-{name}"' in page
    assert 'name="fr-name"' not in page
    french = {
        "fr-board_title": "Administratrice",
        "fr-management_title": "",
        "fr-biography": "<p>Associée en audit pendant vingt ans.</p><img src=x onerror=alert(1)>",
    }
    assert client.post(create, person_form() | french).status_code == 302
    person = Person.objects.get()
    content = person.revisions.get(number=1).content
    assert content["translations"]["fr"]["board_title"] == "Administratrice"
    assert content["translations"]["fr"]["biography"] == "<p>Associée en audit pendant vingt ans.</p>"


@pytest.fixture
def french_board(bilingual, author, approver):
    committee = translated(COMMITTEE, make_committee(author, name="Audit Committee"), author, COMMITTEE_FR)
    committee = publish(COMMITTEE, committee, approver)
    chair = make_person(
        author, name="Ada Quist", board_title="Chair of the Board", committees=[committee], chairs=[committee]
    )
    return publish(PERSON, translated(PERSON, chair, author, PERSON_FR), approver), committee


def test_the_french_board_and_committee_pages_read_the_french_text(client, french_board):
    board = client.get("/fr/investors/governance/").content.decode()
    assert "Présidente du conseil" in board and "Siège à des conseils depuis vingt ans." in board
    assert "Comité d'audit" in board or "Comité d&#x27;audit" in board
    assert "Chair of the Board" not in board
    committees = client.get("/fr/investors/governance/committees/").content.decode()
    assert "Surveille l&#x27;information financière." in committees
    english = client.get("/investors/governance/").content.decode()
    assert "Chair of the Board" in english and "Audit Committee" in english and "Présidente" not in english
