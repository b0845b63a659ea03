"""People and committees live on the one staff console: their form, content and the same workflow screens."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance.models import Committee, Person
from irportal.audit.models import AuditEntry
from irportal.workflow import console
from tests.factories import UserFactory, sign_in
from tests.governance.builders import make_committee, published_committee
from tests.reports.builders import good_pdf

pytestmark = pytest.mark.django_db
BASE_DIR = settings.BASE_DIR


def person_form(**overrides) -> dict:
    return {
        "name": "Noor Castellane",
        "slug": "",
        "board_title": "Director",
        "management_title": "",
        "independent": "on",
        "service_start": "2026-12-08",
        "service_end": "",
        "biography": "<p>Audit partner for twenty years.</p><img src=x onerror=alert(1)>",
        "order": "3",
        "publish_at": "",
    } | overrides


def test_people_and_committees_are_kinds_of_the_console_with_no_views_of_their_own():
    kinds = {kind.slug: kind for kind in console.kinds()}
    assert kinds["people"].content_template == "public/governance/_person.html"
    assert kinds["committees"].content_template == "public/governance/_committee.html"
    assert not [name for name in ("views.py", "urls.py", "staff_views.py") if (BASE_DIR / "governance" / name).exists()]


def test_an_author_adds_a_director_with_a_photo_and_committees_through_the_console(client, company, author, approver):
    audit = published_committee(author, approver, name="Audit Committee")
    pay = published_committee(author, approver, name="Compensation Committee")
    sign_in(client, author)
    photo = SimpleUploadedFile("portrait.png", _png(), content_type="image/png")
    form = person_form(committees=[audit.pk, pay.pk], chairs=[audit.pk], photo=photo)
    response = client.post(reverse("console:create", kwargs={"kind": "people"}), form)
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == person.get_staff_url()
    content = person.revisions.get().content
    assert content["memberships"] == [
        {"committee": audit.pk, "name": "Audit Committee", "chair": True},
        {"committee": pay.pk, "name": "Compensation Committee", "chair": False},
    ]
    assert content["biography"] == "<p>Audit partner for twenty years.</p>"
    assert content["photo"]["sha256"] == person.photo.sha256 and person.slug == "noor-castellane"
    assert AuditEntry.objects.filter(action="person.create", object_id=str(person.pk)).count() == 1
    review = client.get(person.get_staff_url()).content.decode()
    assert "Audit Committee (chair)" in review
    photo_url = reverse(
        "console:file", kwargs={"kind": "people", "pk": person.pk, "token": person.photo.token, "rendition": "photo"}
    )
    assert photo_url in review and client.get(photo_url)["Cache-Control"] == "private, no-store"


def test_bad_input_is_a_form_error_and_nothing_is_saved(client, company, author, approver):
    audit = published_committee(author, approver, name="Audit Committee")
    sign_in(client, author)
    url = reverse("console:create", kwargs={"kind": "people"})
    cases = [
        (person_form(board_title=""), "Give a board title, a management title or both"),
        (person_form(committees=[audit.pk], chairs=[]) | {"board_title": "", "management_title": "CFO"}, "Only board"),
        (person_form(chairs=[audit.pk]), "A chair is a member of the committee too"),
        (person_form(service_end="2020-01-01"), "The end of service comes before its start"),
        (person_form(photo=SimpleUploadedFile("portrait.png", good_pdf(), "image/png")), "not an image"),
    ]
    for form, message in cases:
        response = client.post(url, form)
        assert response.status_code == 200 and message in response.content.decode(), message
    assert not Person.objects.exists()
    assert AuditEntry.objects.filter(action="security.upload_refused").count() == 1


def test_a_committee_names_its_charter_among_the_charters(client, company, author):
    from tests.reports.builders import make_document

    charter = make_document(author, kind="charter", title="Audit Committee charter", fiscal_quarter=None)
    results = make_document(author)
    sign_in(client, author)
    url = reverse("console:create", kwargs={"kind": "committees"})
    form = {"name": "Audit Committee", "slug": "", "description": "", "order": "1", "publish_at": ""}
    refused = client.post(url, form | {"charter": results.pk})
    assert refused.status_code == 200 and not Committee.objects.exists()
    assert client.post(url, form | {"charter": charter.pk}).status_code == 302
    assert Committee.objects.get().revisions.get().content["charter"]["title"] == "Audit Committee charter"


def test_compliance_reads_people_and_changes_nothing(client, company, author):
    from irportal.accounts.roles import COMPLIANCE_REVIEWER

    committee = make_committee(author)
    reviewer = UserFactory(roles=[COMPLIANCE_REVIEWER])
    sign_in(client, reviewer)
    assert client.get(committee.get_staff_url()).status_code == 200
    assert client.post(reverse("console:create", kwargs={"kind": "people"}), person_form()).status_code == 403
    assert not Person.objects.exists()
    assert AuditEntry.objects.filter(action="committee.access", actor_id=reviewer.pk).exists()


def _png() -> bytes:
    from governance.demo import portrait

    return portrait("Noor Castellane")
