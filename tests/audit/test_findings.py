"""The audit log's actor cannot be impersonated; the spreadsheet-safe CSV export."""

import csv
import io

import pytest
from django.urls import reverse

from irportal.accounts.roles import COMPLIANCE_REVIEWER
from irportal.audit.models import AuditEntry
from irportal.audit.services import audit_record
from tests.factories import UserFactory, sign_in

pytestmark = pytest.mark.django_db


def test_the_system_actor_is_a_badge_and_a_user_is_a_name(client):
    reviewer = UserFactory(roles=[COMPLIANCE_REVIEWER])
    lookalike = UserFactory(username="system-ops")
    audit_record(action="release.publish", actor=None, data={"by": "sweep"})
    audit_record(action="release.edit", actor=lookalike)
    sign_in(client, reviewer)
    page = client.get(reverse("audit:log")).content.decode()
    assert '<span class="badge text-bg-dark" data-actor="system">System</span>' in page
    assert '<span data-actor="user">system-ops</span>' in page
    system_entry = AuditEntry.objects.get(action="release.publish")
    detail = client.get(reverse("audit:entry", args=[system_entry.sequence])).content.decode()
    assert 'data-actor="system"' in detail


@pytest.mark.parametrize(
    ("trusted", "sent", "kept"),
    [
        (False, "0f8fe2a4-5d1c-4f0e-9a51-3b1f3c2d9e11", False),
        (True, "0f8fe2a4-5d1c-4f0e-9a51-3b1f3c2d9e11", True),
        (True, "edge-7f3a9c21", True),
        (True, "short", False),
        (True, "x" * 65, False),
        (True, "abc.def_ghi<script>", False),
    ],
)
def test_a_request_id_is_taken_from_outside_only_from_the_trusted_proxy_and_well_formed(
    client, settings, trusted, sent, kept
):
    settings.AUDIT_TRUST_X_REQUEST_ID = trusted
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # the test client's address: the proxy
    response = client.get(reverse("accounts:login"), HTTP_X_REQUEST_ID=sent)
    assert (response["X-Request-ID"] == sent) is kept


def test_the_spreadsheet_safe_export_makes_formulas_text_and_the_exact_one_keeps_them(client):
    reviewer = UserFactory(roles=[COMPLIANCE_REVIEWER])
    audit_record(action="release.comment", actor=reviewer, object_label='=HYPERLINK("http://evil.example")')
    audit_record(action="release.comment", actor=reviewer, object_label="@SUM(A1)")
    sign_in(client, reviewer)
    safe = client.get(reverse("audit:export_csv_spreadsheet"))
    assert "spreadsheet-safe" in safe["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(safe.streaming_content).decode())))
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert '\'=HYPERLINK("http://evil.example")' in cells and "'@SUM(A1)" in cells
    exact = client.get(reverse("audit:export_csv"))
    exact_cells = [cell for row in csv.reader(io.StringIO(b"".join(exact.streaming_content).decode())) for cell in row]
    assert '=HYPERLINK("http://evil.example")' in exact_cells
    formats = list(AuditEntry.objects.filter(action="audit.export").values_list("data__format", flat=True))
    assert sorted(formats) == ["csv", "csv-spreadsheet"]
    page = client.get(reverse("audit:log")).content.decode()
    assert "CSV for spreadsheets" in page
