import pytest
from django.core.management import call_command

from governance.models import Committee, Person

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_a_board_committees_management_and_governance_documents_marked_as_demo(client):
    call_command("seed_demo")
    call_command("seed_demo")  # a second run adds nothing
    assert Person.objects.filter(status="published", is_demo=True).count() == 10
    assert Committee.objects.filter(status="published", is_demo=True).count() == 3
    matrix = client.get("/investors/governance/committees/").content.decode()
    assert matrix.count('<th scope="row">') == 7 and "Audit Committee charter" in matrix
    assert "Chief Financial Officer" in client.get("/investors/governance/management/").content.decode()
    documents = client.get("/investors/governance/documents/").content.decode()
    assert "Code of business conduct and ethics" in documents and "Amended and restated bylaws" in documents
