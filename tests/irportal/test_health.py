import datetime as dt

import pytest
import time_machine

from irportal.accounts.roles import IR_ADMIN
from irportal.celery import app as celery_app
from irportal.ops import heartbeat
from tests.factories import UserFactory, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_heartbeats():
    heartbeat.record(heartbeat.BEAT)
    heartbeat.record_worker("worker@test")


def test_healthz_answers_while_the_process_lives(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_database_broker_worker_and_beat(client, fresh_heartbeats):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "worker": "ok", "beat": "ok"}


def test_readyz_is_503_when_the_broker_is_unreachable(client, monkeypatch, fresh_heartbeats):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert response.json()["failing"] == ["broker"]


def test_every_response_carries_a_request_id(client, settings):
    assert len(client.get("/healthz")["X-Request-ID"]) == 32
    # A client's own id is not taken; the trusted proxy's is, once the setting says there is one.
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-req-000123")["X-Request-ID"] != "lb-req-000123"
    settings.AUDIT_TRUST_X_REQUEST_ID = True
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # the test client's address
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-req-000123")["X-Request-ID"] == "lb-req-000123"


BEAT_AT = dt.datetime(2026, 12, 8, 14, 0, 0, tzinfo=dt.UTC)


def test_readyz_turns_503_naming_beat_when_its_heartbeat_is_older_than_two_sweep_intervals(client):
    heartbeat.record(heartbeat.BEAT, now=BEAT_AT)
    with time_machine.travel(BEAT_AT + dt.timedelta(seconds=60), tick=False):
        heartbeat.record_worker("worker@test")
        assert client.get("/readyz").status_code == 200
    with time_machine.travel(BEAT_AT + dt.timedelta(seconds=61), tick=False):
        heartbeat.record_worker("worker@test")
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["beat"]
    assert body["beat"] == "late: last heartbeat 61 s ago (limit 60 s)"
    assert (body["database"], body["broker"], body["worker"]) == ("ok", "ok", "ok")


def test_readyz_names_the_worker_when_no_worker_has_written_a_heartbeat(client):
    heartbeat.record(heartbeat.BEAT)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["worker"]
    assert response.json()["worker"] == "no worker heartbeat yet"


PUBLIC = "203.0.113.9"


def test_readyz_tells_the_public_only_its_status(client, monkeypatch, fresh_heartbeats):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    response = client.get("/readyz", REMOTE_ADDR=PUBLIC)
    assert response.status_code == 503  # what a load balancer needs
    assert response.json() == {"status": "unavailable"}
    monkeypatch.undo()
    healthy = client.get("/readyz", REMOTE_ADDR=PUBLIC)
    assert (healthy.status_code, healthy.json()) == (200, {"status": "ok"})


def test_readyz_behind_the_proxy_judges_the_client_not_the_proxy(client, settings, fresh_heartbeats):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    response = client.get("/readyz", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=PUBLIC)
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("who", ["scraper", "staff", "local network"])
def test_readyz_details_for_staff_the_metrics_token_and_the_local_network(client, settings, fresh_heartbeats, who):
    settings.METRICS_TOKEN = "scraper-token-0123456789"
    headers = {"REMOTE_ADDR": PUBLIC}
    if who == "scraper":
        headers["HTTP_AUTHORIZATION"] = "Bearer scraper-token-0123456789"
    elif who == "staff":
        sign_in(client, UserFactory(roles=[IR_ADMIN]))
    else:
        headers["REMOTE_ADDR"] = "10.20.30.40"
    body = client.get("/readyz", **headers).json()
    assert body == {"status": "ok", "database": "ok", "broker": "ok", "worker": "ok", "beat": "ok"}


def test_readyz_gives_no_detail_for_a_wrong_token_or_a_password_only_session(client, settings, fresh_heartbeats):
    settings.METRICS_TOKEN = "scraper-token-0123456789"
    assert client.get("/readyz", REMOTE_ADDR=PUBLIC, HTTP_AUTHORIZATION="Bearer guess").json() == {"status": "ok"}
    client.force_login(UserFactory(roles=[IR_ADMIN]))  # no second factor given
    assert client.get("/readyz", REMOTE_ADDR=PUBLIC).json() == {"status": "ok"}
