"""One way to write a time: ``{{ value|when }}`` in company time, ``{{ value|when:"utc" }}`` on audit pages."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from irportal.accounts.roles import COMPLIANCE_REVIEWER, IR_ADMIN
from irportal.audit.services import audit_record
from tests.factories import UserFactory, make_company, sign_in

pytestmark = pytest.mark.django_db

# Tuesday, December 8, 2026, 9:00 am in Phoenix (MST, UTC-7).
INSTANT = datetime(2026, 12, 8, 16, 0, tzinfo=UTC)


def render(text: str, zone: str = "America/Phoenix", **context) -> str:
    """Rendered as for signed-in staff, whose requests run in the company's zone (``company.middleware``)."""
    with timezone.override(zone):
        return Template("{% load company_time %}" + text).render(Context(context))


def test_staff_times_are_in_company_time_with_the_zone_abbreviation():
    assert render("{{ value|when }}", value=INSTANT) == (
        '<time datetime="2026-12-08T09:00:00-07:00">Dec. 8, 2026, 9:00 am MST</time>'
    )
    assert render('{{ value|when:"clock" }}', value=INSTANT) == (
        '<time datetime="2026-12-08T09:00:00-07:00">9:00 am MST</time>'
    )


def test_the_abbreviation_is_that_of_the_date_itself():
    summer = datetime(2027, 6, 1, 20, 5, tzinfo=UTC)
    assert render("{{ value|when }}", "America/New_York", value=summer).endswith(">June 1, 2027, 4:05 pm EDT</time>")
    assert render("{{ value|when }}", "America/New_York", value=INSTANT).endswith(">Dec. 8, 2026, 11:00 am EST</time>")


def test_audit_times_are_utc_and_say_so():
    assert render('{{ value|when:"utc" }}', value=INSTANT) == (
        '<time datetime="2026-12-08T16:00:00+00:00">2026-12-08 16:00:00 UTC</time>'
    )


def test_an_iso_string_a_month_and_nothing():
    assert render('{{ value|when:"utc" }}', value="2026-12-08T16:00:00.250000Z").endswith(
        ">2026-12-08 16:00:00 UTC</time>"
    )
    assert render('{{ value|when:"month" }}', value=date(2026, 12, 1)) == (
        '<time datetime="2026-12">December 2026</time>'
    )
    # Early on January 1 in UTC it is still December 31 in Phoenix.
    assert ">December 2026<" in render('{{ value|when:"month" }}', value=datetime(2027, 1, 1, 3, 0, tzinfo=UTC))
    assert render("{{ value|when }}", value=None) == ""


def test_an_unknown_style_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown style"):
        render('{{ value|when:"local" }}', value=INSTANT)


def test_writing_times_runs_no_query():
    template = Template("{% load company_time %}{% for value in values %}{{ value|when }} {% endfor %}")
    with timezone.override("America/Phoenix"), CaptureQueriesContext(connection) as queries:
        text = template.render(Context({"values": [INSTANT] * 50}))
    assert text.count("9:00 am MST") == 50
    assert len(queries) == 0


def test_the_users_page_writes_the_last_sign_in_in_company_time(client):
    make_company(home_time_zone="America/Phoenix")
    admin = UserFactory(roles=[IR_ADMIN])
    UserFactory(username="signed-in", last_login=INSTANT)
    sign_in(client, admin)
    page = client.get(reverse("accounts:user_list")).content.decode()
    assert '<time datetime="2026-12-08T09:00:00-07:00">Dec. 8, 2026, 9:00 am MST</time>' in page


def test_the_audit_log_writes_utc_labelled_utc(client):
    make_company(home_time_zone="America/Phoenix")
    with time_machine.travel(INSTANT, tick=False):
        entry = audit_record(action="auth.login")
    sign_in(client, UserFactory(roles=[COMPLIANCE_REVIEWER]))
    written = '<time datetime="2026-12-08T16:00:00+00:00">2026-12-08 16:00:00 UTC</time>'
    for url in (reverse("audit:log"), reverse("audit:entry", args=[entry.sequence])):
        assert written in client.get(url).content.decode()


STAFF_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "staff"
OWN_FORMATTING = re.compile(r"\|\s*(date|time)\s*:")


def test_staff_and_audit_templates_write_times_only_through_the_filter():
    offenders = sorted(
        str(path.relative_to(STAFF_TEMPLATES))
        for path in STAFF_TEMPLATES.rglob("*.html")
        if OWN_FORMATTING.search(path.read_text())
    )
    assert offenders == [], (
        'Write times with {% load company_time %}{{ value|when }} (staff) or {{ value|when:"utc" }} (audit).'
    )
