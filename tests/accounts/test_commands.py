"""Operators' account commands."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from irportal.accounts.roles import COMPLIANCE_REVIEWER, IR_AUTHOR
from irportal.audit.models import AuditEntry
from tests.factories import UserFactory, sign_in

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def test_an_operator_ends_every_session_of_every_user(capsys):
    alice, bob = UserFactory(roles=[IR_AUTHOR]), UserFactory(roles=[COMPLIANCE_REVIEWER])
    browsers = [signed_in(alice), signed_in(bob)]
    assert all(browser.get(reverse("accounts:console")).status_code == 200 for browser in browsers)
    call_command("end_sessions", "--all", "--reason", "suspected cookie theft")
    assert [browser.get(reverse("accounts:console")).status_code for browser in browsers] == [302, 302]
    ended = AuditEntry.objects.filter(action="auth.sessions_end_all")
    assert sorted(entry.object_id for entry in ended) == sorted([str(alice.pk), str(bob.pk)])
    assert {entry.actor_label for entry in ended} == {"system"}
    assert {entry.data["reason"] for entry in ended} == {"suspected cookie theft"}
    assert "2 users" in capsys.readouterr().out


def test_an_operator_ends_one_users_sessions():
    alice, bob = UserFactory(roles=[IR_AUTHOR]), UserFactory(roles=[IR_AUTHOR])
    alices, bobs = signed_in(alice), signed_in(bob)
    call_command("end_sessions", alice.username, "--reason", "laptop lost")
    assert alices.get(reverse("accounts:console")).status_code == 302
    assert bobs.get(reverse("accounts:console")).status_code == 200


def test_a_reason_and_whom_are_required():
    with pytest.raises(CommandError, match="reason"):
        call_command("end_sessions", "--all")
    with pytest.raises(CommandError, match="USERNAME or --all"):
        call_command("end_sessions", "--reason", "why")
    with pytest.raises(CommandError, match="no user"):
        call_command("end_sessions", "nobody-here", "--reason", "why")
