"""Passwords may not be built from the words anyone would try first: the company's, the product's, the user's."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.factories import UserFactory, make_company

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password",
    [
        "Halvorsen-2026-spring!",  # the company's short name
        "h4lv0rs3n quarterly results",  # the same, with digits for letters
        "my HLVI shares go up 42",  # the ticker
        "welcome to irportal 2026",  # the product
        "IR Portal is my home now",  # the product, spaced
        "Instruments of my sorrow 9",  # a word of the legal name
        "averylindqvist rocks 77",  # the user's own name
        "Winter2026 is finally here",  # a season with a year
        "our investor day went well",  # the department's words
        "approver of all good things",  # a role
        "nasdaq listed and proud 9",  # the exchange
        "system of a down forever",  # a reserved name
    ],
)
def test_context_words_are_refused_in_passwords(password):
    make_company(legal_name="Halvorsen Instruments, Inc.", short_name="Halvorsen", ticker="HLVI")
    user = UserFactory(username="avery", first_name="Avery", last_name="Lindqvist")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert "names the company, IR Portal or you" in " ".join(refused.value.messages)


def test_a_password_without_context_words_passes():
    make_company(legal_name="Halvorsen Instruments, Inc.", short_name="Halvorsen", ticker="HLVI")
    user = UserFactory(username="avery", first_name="Avery", last_name="Lindqvist")
    validate_password("copper kettle under a violet moon", user)


def test_generic_company_words_and_short_tickers_are_not_context_words():
    make_company(legal_name="Ford Motor Company", short_name="Ford", ticker="F")
    validate_password("the incorporated fund flows on 1 f", UserFactory(first_name="Al", last_name="Wu"))
