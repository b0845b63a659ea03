import pytest
from django.template import Context, Template

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_history_link_points_at_the_object_timeline():
    user = UserFactory()
    html = Template('{% load audit %}<a href="{% audit_history_url user %}">History</a>').render(
        Context({"user": user})
    )
    assert html == f'<a href="/compliance/audit/object/auth.user/{user.pk}/">History</a>'


def test_insider_list_link_is_empty_for_objects_without_one():
    html = Template("{% load audit %}[{% insider_list_url user %}]").render(Context({"user": UserFactory()}))
    assert html == "[]"
