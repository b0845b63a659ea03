import copy
import datetime as dt
import io
import json
import logging.config
import sys

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import timezone

from irportal.accounts.roles import IR_APPROVER, IR_AUTHOR
from irportal.audit.models import AuditEntry
from irportal.workflow.tasks import sweep
from releases.checks import CODES as EVERY_WARNING
from releases.workflow import release_approve, release_submit
from tests.conftest import wait_for
from tests.factories import UserFactory, make_approval_step, make_release, sign_in


@pytest.fixture
def json_lines():
    """Logging as LOG_FORMAT=json configures it (on a buffer for stdout); returns a reader of the lines so far."""
    stdout = io.StringIO()
    config = copy.deepcopy(django_settings.LOGGING)
    config["handlers"]["console"]["formatter"] = "json"
    config["handlers"]["console"]["stream"] = stdout
    logging.config.dictConfig(config)
    yield lambda: [json.loads(line) for line in stdout.getvalue().splitlines()]
    logging.config.dictConfig(django_settings.LOGGING)


def lines_of(lines, logger):
    return [line for line in lines if line["logger"] == logger]


@pytest.mark.django_db
def test_a_refused_staff_request_logs_one_json_line_with_the_audit_entrys_request_id(client, json_lines):
    author = UserFactory(roles=[IR_AUTHOR])
    sign_in(client, author)
    response = client.get("/staff/users/")
    assert response.status_code == 403

    refusal = AuditEntry.objects.get(action="security.permission_denied")
    [line] = lines_of(json_lines(), "irportal.request")
    assert line["request_id"] == refusal.request_id == response["X-Request-ID"]
    assert line["status"] == 403
    assert line["path"] == "/staff/users/"
    assert line["method"] == "GET"
    assert line["user_id"] == author.pk
    assert line["view"] == "accounts:user_list"
    assert line["duration_ms"] > 0
    assert line["level"] == "INFO"
    assert line["time"].endswith("Z")


@pytest.mark.django_db
def test_a_cached_public_page_logs_its_view_without_a_user(client, company, json_lines):
    client.get("/investors/")
    client.get("/investors/")
    first, second = lines_of(json_lines(), "irportal.request")
    assert first["view"] == second["view"] == "investors:home"
    assert second["user_id"] is None
    assert first["request_id"] != second["request_id"]


@pytest.mark.redis
def test_a_sweep_on_a_worker_logs_json_lines_with_the_request_id_of_its_audit_entries(celery_worker, json_lines):
    make_approval_step()
    author, approver = UserFactory(roles=[IR_AUTHOR]), UserFactory(roles=[IR_APPROVER])
    release = make_release(author)
    release_submit(release_id=release.pk, actor=author)
    release_approve(
        acknowledged=EVERY_WARNING,
        release_id=release.pk,
        actor=approver,
        publish_at=timezone.now() + dt.timedelta(minutes=5),
    )

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6), tick=True):
        task_id = sweep.delay().id
        published = wait_for(lambda: AuditEntry.objects.filter(action="release.publish").first())
    assert published.request_id == task_id

    def sweep_lines():
        lines = json_lines()
        finished = [line for line in lines_of(lines, "irportal.task") if line["task_id"] == task_id]
        return lines_of(lines, "irportal.workflow.sweep") and finished and (lines, finished)

    lines, [task] = wait_for(sweep_lines)
    [swept] = lines_of(lines, "irportal.workflow.sweep")
    assert swept["request_id"] == published.request_id
    assert swept["task_id"] == task_id
    assert swept["task_name"] == "irportal.workflow.tasks.sweep"
    assert swept["changed"]["releases.publish"] == 1
    assert (task["task_name"], task["state"], task["request_id"]) == (
        "irportal.workflow.tasks.sweep",
        "SUCCESS",
        task_id,
    )


def test_both_formats_write_the_time_in_utc_whatever_the_process_zone():
    from irportal.ops.logs import JsonFormatter, PlainFormatter

    # Django sets the process's zone to TIME_ZONE (the company's, America/New_York in the tests).
    record = logging.LogRecord("irportal.test", logging.INFO, __file__, 1, "swept", None, None)
    record.created = dt.datetime(2026, 11, 30, 3, 51, 4, 250000, tzinfo=dt.UTC).timestamp()
    record.msecs = 250.0
    assert PlainFormatter().format(record).startswith("2026-11-30T03:51:04.250Z INFO irportal.test swept")
    assert json.loads(JsonFormatter().format(record))["time"] == "2026-11-30T03:51:04.250Z"


@pytest.fixture
def log_text():
    """Logging as settings configure it, in the given format, on a buffer for stdout; returns the text so far."""
    stdout = io.StringIO()

    def configure(log_format):
        config = copy.deepcopy(django_settings.LOGGING)
        config["handlers"]["console"]["formatter"] = log_format
        config["handlers"]["console"]["stream"] = stdout
        logging.config.dictConfig(config)
        return stdout.getvalue

    yield configure
    logging.config.dictConfig(django_settings.LOGGING)


FORGED = "2026-01-01T00:00:00.000Z INFO irportal.request GET /staff/users/ 200 user_id=1"


@pytest.mark.django_db
@pytest.mark.parametrize("control", ["%0A", "%0D", "%0D%0A", "%1B%5B2J", "%E2%80%A8"])
def test_a_control_character_in_a_path_cannot_forge_a_plain_log_line(client, company, log_text, control):
    text = log_text("plain")
    client.get("/investors/news/q3" + control + FORGED.replace(" ", "%20"))
    lines = text().splitlines()
    assert not any(line.startswith(FORGED[:24]) for line in lines), lines
    [request_line] = [line for line in lines if line.split(" ")[2] == "irportal.request"]
    assert f"/investors/news/q3{control}2026-01-01" in request_line  # the path as the client sent it


TOKEN = "Zq7X1t0kV3nB9sPq2mW8yR4cL6dF5hJ0aE3uI7oK1gT"


@pytest.mark.django_db
@pytest.mark.parametrize("log_format", ["plain", "json"])
def test_bearer_tokens_in_addresses_are_never_written_to_the_log(client, company, log_text, log_format):
    text = log_text(log_format)
    addresses = [
        f"/feeds/calendar/{TOKEN}.ics",
        f"/investors/alerts/confirm/{TOKEN}/",
        f"/investors/alerts/unsubscribe/{TOKEN}/",
        f"/staff/account/link/{TOKEN}/",
    ]
    for address in addresses:
        assert client.get(address).status_code in {200, 400, 404, 410}
    written = text()
    assert TOKEN not in written
    assert TOKEN[:8] not in written
    for address in addresses:
        assert address.replace(TOKEN, "[redacted]") in written


def test_a_traceback_cannot_forge_a_plain_log_line_either():
    from irportal.ops.logs import PlainFormatter

    try:
        raise ValueError("bad value\n" + FORGED)
    except ValueError:
        record = logging.LogRecord("irportal.test", logging.ERROR, __file__, 1, "failed: %s", ("x\ny",), sys.exc_info())
    record.request_id = "abc\ndef"
    text = PlainFormatter().format(record)
    first, *rest = text.splitlines()
    assert first.endswith("failed: x\\ny request_id=abc\\ndef")
    assert rest and all(line.startswith("    ") for line in rest)
    assert any(FORGED in line for line in rest)
