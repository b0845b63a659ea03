import pytest

from irportal.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthz_answers_while_the_process_lives(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_database_and_broker(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_readyz_is_503_when_the_broker_is_unreachable(client, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["broker"] == "down"


def test_every_response_carries_a_request_id(client, settings):
    assert len(client.get("/healthz")["X-Request-ID"]) == 32
    # A client's own id is not taken; the trusted proxy's is, once the setting says there is one.
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-req-000123")["X-Request-ID"] != "lb-req-000123"
    settings.AUDIT_TRUST_X_REQUEST_ID = True
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-req-000123")["X-Request-ID"] == "lb-req-000123"
