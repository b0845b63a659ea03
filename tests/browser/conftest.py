import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))

# Playwright's sync API keeps an event loop in the test thread; the test's own
# database set-up runs there too, outside any coroutine.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def whole_minute_ahead(seconds: int, zone) -> dt.datetime:
    """The first whole minute at least ``seconds`` from now, in ``zone``: console times are whole minutes."""
    moment = (timezone.now() + dt.timedelta(seconds=seconds + 59)).replace(second=0, microsecond=0)
    return moment.astimezone(zone)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def sign_in(page, username, password):
    """Both steps of the sign-in page. A user whose role needs a second factor has an authenticator app
    (given here if missing); its code is typed at the second step."""
    from django.contrib.auth import get_user_model

    from irportal.accounts import mfa
    from tests.factories import enrol_totp, totp_code

    user = get_user_model().objects.get(username=username)
    device = enrol_totp(user) if mfa.required_for(user) or mfa.has_factor(user) else None
    page.goto("/staff/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if device is not None:
        page.wait_for_url("**/staff/account/verify/**")
        # A code works once per 30-second step; a test that signs in twice within one step may reuse it.
        type(device).objects.filter(pk=device.pk).update(last_t=-1)
        page.get_by_label("Code").fill(totp_code(device))
        page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/staff/")


def confirm_it_is_you(page, username, password):
    """ "Confirm it is you" on the factors page: the password and the authenticator app's code again."""
    from django.contrib.auth import get_user_model

    from tests.factories import enrol_totp, totp_code

    device = enrol_totp(get_user_model().objects.get(username=username))
    type(device).objects.filter(pk=device.pk).update(last_t=-1)
    page.goto("/staff/account/two-factor/")
    page.get_by_role("link", name="Confirm it is you").click()
    page.get_by_label("Password").fill(password)
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/staff/account/two-factor/")


@pytest.fixture
def worker(celery_worker):
    """A real Celery worker for a browser test: the producer pool is made anew on either side of it."""
    from irportal.celery import app

    app.amqp._producer_pool = None
    yield celery_worker
    app.amqp._producer_pool = None


@pytest.fixture
def workflow_ready(transactional_db):
    """What migrations set up and a flush between transactional tests removes."""
    from tests.factories import make_approval_step, make_company

    make_company()
    make_approval_step()


def acknowledge_every_warning(page):
    """The approver ticks "I have read" beside each warning of the content checks shown."""
    for box in page.get_by_test_id("approve-form").get_by_role("checkbox").all():
        box.check()


def approve_acknowledging_every_warning(page):
    """The approver ticks each warning shown and approves. An embargo typed inside US market hours brings a warning
    the page shows only once Approve is pressed (nothing is approved then, what was typed is kept): the approver
    ticks it too and approves again, as a person would."""
    acknowledge_every_warning(page)
    page.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    if page.get_by_text("Nothing was approved.").count():
        acknowledge_every_warning(page)
        page.get_by_role("button", name="Approve").click()
