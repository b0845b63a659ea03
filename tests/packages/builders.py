"""An earnings package for tests: a release, the results PDF, the financial tables and the webcast event."""

import datetime as dt

from django.utils import timezone

from irportal.workflow import engine
from packages import services
from packages.workflow import PACKAGE, members_of
from releases.checks import CODES as RELEASE_WARNINGS
from reports.checks import CODES as DOCUMENT_WARNINGS
from tests.events.builders import make_event
from tests.factories import fresh_step_up, make_release
from tests.reports.builders import make_document


def earnings_items(author):
    release = make_release(author)
    results = make_document(author, title="Third quarter results")
    tables = make_document(author, title="Financial tables", kind="other")
    webcast = make_event(author, starts_at=timezone.now() + dt.timedelta(days=2))
    return release, results, tables, webcast


def make_package(author, items=None, **fields):
    items = items or earnings_items(author)
    kinds = {"Release": "release", "Document": "document", "Event": "event"}
    members = [(kinds[type(item).__name__], item.pk) for item in items]
    return services.package_create(actor=author, title=fields.pop("title", "Q3 2026 results"), members=members)


def every_warning(package) -> set[str]:
    """Every member warning code, as the package's approve form names them."""
    return {
        engine.member_code(member, code)
        for member in members_of(package)
        for code in (RELEASE_WARNINGS | DOCUMENT_WARNINGS)
    }


def approved_package(author, approver, publish_at, items=None):
    package = make_package(author, items)
    engine.submit(PACKAGE, pk=package.pk, actor=author)
    return engine.approve(
        PACKAGE,
        pk=package.pk,
        actor=approver,
        publish_at=publish_at,
        acknowledged=every_warning(package),
        step_up=fresh_step_up(),
    )
