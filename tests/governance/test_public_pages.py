"""The public governance pages: the board, the committee matrix, management, governance documents, portraits."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from governance import selectors, services
from governance.models import Committee, Person
from governance.workflow import COMMITTEE, PERSON
from irportal.workflow import engine
from irportal.workflow.models import public_revision_column
from reports.checks import CODES as EVERY_DOCUMENT_WARNING
from reports.models import GOVERNANCE_KINDS, Document
from reports.selectors import GOVERNANCE_DOCUMENTS_SHOWN, governance_documents, governance_documents_public
from reports.services import document_update
from reports.workflow import DOCUMENT
from tests.governance.builders import (
    approve,
    make_committee,
    make_person,
    photo_upload,
    published_committee,
    published_person,
)
from tests.reports.builders import make_document

pytestmark = pytest.mark.django_db

PAGES = [
    "/investors/governance/",
    "/investors/governance/committees/",
    "/investors/governance/management/",
    "/investors/governance/documents/",
]


def _charter(author, approver, title="Audit Committee charter"):
    document = make_document(
        author, kind=Document.Kind.CHARTER, title=title, fiscal_quarter=None, document_date=dt.date(2025, 2, 12)
    )
    engine.submit(DOCUMENT, pk=document.pk, actor=author)
    engine.approve(DOCUMENT, pk=document.pk, actor=approver, acknowledged=EVERY_DOCUMENT_WARNING)
    return engine.publish(DOCUMENT, pk=document.pk, actor=approver)


def _governance(author, approver, *, directors: int, committees: int):
    seats = [
        published_committee(author, approver, name=f"Committee {number}", charter=_charter(author, approver))
        for number in range(committees)
    ]
    for number in range(directors):
        published_person(
            author,
            approver,
            name=f"Director {number}",
            committees=seats[: number % (committees + 1)],
            chairs=seats[:1] if number == 1 else [],
            photo=photo_upload() if number % 2 else None,
        )
        published_person(author, approver, name=f"Officer {number}", board_title="", management_title="Vice President")


def test_every_page_answers_404_while_there_is_nothing_to_show(client, company, settings):
    settings.PUBLIC_CACHE = False
    for path in PAGES:
        assert client.get(path).status_code == 404


def test_the_matrix_is_a_table_with_headers_a_caption_the_chair_and_independence(client, company, author, approver):
    audit = published_committee(author, approver, name="Audit Committee", charter=_charter(author, approver))
    published_person(author, approver, name="Noor Castellane", committees=[audit], chairs=[audit], independent=True)
    published_person(author, approver, name="Paulo Sandoval", committees=[audit], independent=False)
    page = client.get("/investors/governance/committees/").content.decode()
    assert "<caption>" in page and '<th scope="col">Director</th>' in page
    assert '<th scope="row"><a href="/investors/governance/#noor-castellane">Noor Castellane</a></th>' in page
    assert '<abbr title="Chair">C</abbr>' in page and '<abbr title="Member">M</abbr>' in page
    assert page.count("<td>Independent</td>") == 1
    assert "Audit Committee charter" in page  # the charter, linked from its committee


def test_a_committee_links_its_charter_while_the_charter_is_public(client, company, author, approver, settings):
    settings.PUBLIC_CACHE = False
    charter = _charter(author, approver)
    audit = published_committee(author, approver, name="Audit Committee", charter=charter)
    published_person(author, approver, name="Noor Castellane", committees=[audit])
    page = client.get("/investors/governance/committees/").content.decode()
    assert f'<p class="mb-0"><a href="/investors/documents/{charter.slug}/">Audit Committee charter</a></p>' in page
    engine.withdraw(DOCUMENT, pk=charter.pk, actor=approver, reason="Replaced")
    assert "Audit Committee charter" not in client.get("/investors/governance/committees/").content.decode()


def test_the_board_shows_titles_committees_biography_and_photo_and_management_its_officers(
    client, company, author, approver
):
    audit = published_committee(author, approver, name="Audit Committee")
    published_person(
        author,
        approver,
        name="Ingrid Halvorsen",
        board_title="Director",
        management_title="President and Chief Executive Officer",
        independent=False,
        committees=[audit],
        biography='<p>Founded the company.</p><script>alert(1)</script><p onclick="x()">Engineer.</p>',
        photo=photo_upload(),
    )
    board = client.get("/investors/governance/").content.decode()
    assert "Ingrid Halvorsen" in board and "Committees: Audit Committee" in board
    assert "<p>Founded the company.</p>" in board and "<script>" not in board and "onclick" not in board
    photo_url = board.split('class="ir-portrait border" src="')[1].split('"')[0]
    answer = client.get(photo_url)
    assert answer.status_code == 200 and answer["Content-Type"] == "image/png"
    management = client.get("/investors/governance/management/").content.decode()
    assert "President and Chief Executive Officer" in management


def test_a_photo_the_public_revision_does_not_name_is_not_served(client, company, author, approver):
    person = published_person(author, approver, name="Lea Marsh", photo=photo_upload())
    old_token = person.photo.token
    services.person_update(actor=author, pk=person.pk, base_version=None, photo=photo_upload("Lea Marsh"))
    new_token = type(person).objects.get(pk=person.pk).photo.token
    assert client.get(f"/investors/governance/photos/{old_token}").status_code == 200  # still the public one
    assert client.get(f"/investors/governance/photos/{new_token}").status_code == 404  # a draft's
    assert client.get("/investors/governance/photos/no-such-token").status_code == 404


def test_an_embargoed_change_is_not_on_the_public_pages_before_its_second(client, company, author, approver):
    embargo = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours=1)
    approve(PERSON, make_person(author, name="Hidden Until Noon"), approver, publish_at=embargo)
    assert client.get("/investors/governance/").status_code == 404


def test_governance_documents_are_listed_by_category_and_not_among_the_financial_reports(
    client, company, author, approver
):
    _charter(author, approver, title="Audit Committee charter")
    page = client.get("/investors/governance/documents/").content.decode()
    assert "Committee charter" in page and "Audit Committee charter" in page
    assert "Audit Committee charter" not in client.get("/investors/reports/").content.decode()


def test_a_governance_document_is_written_escaped_as_the_template_escaped_it(client, company, author, approver):
    title = """Charter <script>alert("A&B")</script> 'x'"""
    charter = _charter(author, approver, title=title)
    page = client.get("/investors/governance/documents/").content.decode()
    assert f'<a href="/investors/documents/{charter.slug}/">{escape(title)}</a>' in page
    assert "<script>" not in page.split('data-testid="governance-documents"')[1]


def test_governance_documents_show_the_revision_the_public_reads_to_the_second(client, company, author, approver):
    charter = _charter(author, approver, title="Audit Committee charter")
    document_update(actor=author, pk=charter.pk, base_version=charter.version, title="Audit Committee charter 2026")
    embargo = timezone.now().replace(microsecond=0) + dt.timedelta(hours=1)
    engine.submit(DOCUMENT, pk=charter.pk, actor=author)
    engine.approve(DOCUMENT, pk=charter.pk, actor=approver, acknowledged=EVERY_DOCUMENT_WARNING, publish_at=embargo)
    token = charter.files.get(role="main").token
    link = f'<a href="/investors/documents/{charter.slug}/">'
    pdf = f'<a href="/investors/documents/{charter.slug}/files/{token}/file" download>PDF</a>'
    shown = {embargo - dt.timedelta(seconds=1): "Audit Committee charter", embargo: "Audit Committee charter 2026"}
    for moment, title in shown.items():
        with time_machine.travel(moment, tick=False):
            page = client.get("/investors/governance/documents/").content.decode()
        assert f"{link}{title}</a>" in page and pdf in page


def _reference_governance_documents(now) -> list[tuple[str, dict]]:
    """The governance documents page's list as the ORM reads it (each document's address and content), by category
    as the page shows it."""
    documents = (
        governance_documents_public(now)
        .annotate(public_content=public_revision_column("content", now))
        .order_by("-public_date", "-pk")[:GOVERNANCE_DOCUMENTS_SHOWN]
    )
    rows = [(document.get_absolute_url(), document.public_content) for document in documents]
    return sorted(rows, key=lambda row: GOVERNANCE_KINDS.index(row[1]["kind"]))


def test_the_statement_reads_the_governance_documents_the_orm_reads_at_each_moment(company, author, approver):
    embargo = timezone.now().replace(microsecond=0) + dt.timedelta(hours=1)

    def pending(document, **fields):
        document_update(actor=author, pk=document.pk, base_version=None, **fields)
        engine.submit(DOCUMENT, pk=document.pk, actor=author)
        engine.approve(
            DOCUMENT, pk=document.pk, actor=approver, acknowledged=EVERY_DOCUMENT_WARNING, publish_at=embargo
        )

    _charter(author, approver, title="Audit charter")
    pending(
        _charter(author, approver, title="Risk charter"), title="Risk charter 2026", document_date=dt.date(2026, 3, 1)
    )
    pending(_charter(author, approver, title="Conduct policy"), kind=Document.Kind.POLICY)
    incoming = make_document(author, kind=Document.Kind.BYLAWS, title="Bylaws", fiscal_quarter=None)
    engine.submit(DOCUMENT, pk=incoming.pk, actor=author)
    engine.approve(DOCUMENT, pk=incoming.pk, actor=approver, acknowledged=EVERY_DOCUMENT_WARNING, publish_at=embargo)
    withdrawn = _charter(author, approver, title="Withdrawn charter")
    engine.withdraw(DOCUMENT, pk=withdrawn.pk, actor=approver, reason="Issued in error")
    make_document(author, kind=Document.Kind.CHARTER, title="Draft charter", fiscal_quarter=None)
    annual = make_document(author, kind=Document.Kind.ANNUAL_REPORT, title="Annual report", fiscal_quarter=None)
    engine.submit(DOCUMENT, pk=annual.pk, actor=author)
    engine.approve(DOCUMENT, pk=annual.pk, actor=approver, acknowledged=EVERY_DOCUMENT_WARNING)
    engine.publish(DOCUMENT, pk=annual.pk, actor=approver)

    seen = {}
    for moment in (embargo - dt.timedelta(seconds=1), embargo, embargo + dt.timedelta(days=3)):
        found = [(doc.url, doc.content) for _, docs in governance_documents(moment) for doc in docs]
        assert found == _reference_governance_documents(moment), moment
        seen[moment] = [(content["kind"], content["title"]) for _, content in found]
    before, at, _ = seen.values()
    assert ("charter", "Risk charter") in before and ("charter", "Conduct policy") in before
    assert ("charter", "Risk charter 2026") in at and ("governance_policy", "Conduct policy") in at
    assert ("bylaws", "Bylaws") in at and ("bylaws", "Bylaws") not in before
    assert not any(title in ("Withdrawn charter", "Draft charter", "Annual report") for _, title in before + at)


def _reference_people(now, role: str) -> list[dict]:
    """A list's people as the ORM reads them (``objects.public``, ``public_revision_column``), in the page's order."""
    listed = (
        Person.objects.public(now)
        .alias(
            public_until=public_revision_column("listed_until", now),
            public_listed=public_revision_column(role, now),
            public_order=public_revision_column("order", now),
        )
        .filter(Q(public_until__isnull=True) | Q(public_until__gt=now), public_listed=True)
        .annotate(public_content=public_revision_column("content", now))
        .order_by("public_order", "pk")
    )
    contents = listed.values_list("public_content", flat=True)
    return sorted(contents, key=lambda content: (content["order"], content["name"]))


def _reference_committees(now) -> dict[int, dict]:
    committees = Committee.objects.public(now).annotate(public_content=public_revision_column("content", now))
    return dict(committees.order_by("pk").values_list("pk", "public_content"))


def test_the_statements_read_the_people_and_committees_the_orm_reads_at_each_moment(company, author, approver):
    embargo = timezone.now().replace(microsecond=0) + dt.timedelta(hours=1)
    audit = published_committee(author, approver, name="Audit")
    risk = published_committee(author, approver, name="Risk")
    services.committee_update(actor=author, pk=risk.pk, base_version=None, name="Risk and Compliance")
    approve(COMMITTEE, Committee.objects.get(pk=risk.pk), approver, publish_at=embargo)
    approve(COMMITTEE, make_committee(author, name="Nominations"), approver, publish_at=embargo)
    withdrawn = published_committee(author, approver, name="Withdrawn")
    engine.withdraw(COMMITTEE, pk=withdrawn.pk, actor=approver, reason="Dissolved")
    make_committee(author, name="Draft")

    published_person(author, approver, name="Serving Director", committees=[audit, risk], chairs=[risk])
    published_person(author, approver, name="Officer", board_title="", management_title="Vice President")
    published_person(author, approver, name="Leaving Director", service_end=dt.date.today() + dt.timedelta(days=1))
    moving = published_person(author, approver, name="Moving Director", committees=[audit])
    services.person_update(
        actor=author,
        pk=moving.pk,
        base_version=None,
        board_title="",
        management_title="Chief Financial Officer",
        memberships=[],
    )
    approve(PERSON, Person.objects.get(pk=moving.pk), approver, publish_at=embargo)
    approve(PERSON, make_person(author, name="Incoming Director", order=0), approver, publish_at=embargo)
    gone = published_person(author, approver, name="Withdrawn Director")
    engine.withdraw(PERSON, pk=gone.pk, actor=approver, reason="Named in error")
    make_person(author, name="Draft Director")

    seen = set()
    for moment in (embargo - dt.timedelta(seconds=1), embargo, embargo + dt.timedelta(days=3)):
        committees = selectors.public_committees(moment)
        assert {pk: doc.content for pk, doc in committees.items()} == _reference_committees(moment), moment
        board = [doc.content for doc in selectors.board(moment)]
        management = [doc.content for doc in selectors.management(moment)]
        assert board == _reference_people(moment, "on_board"), moment
        assert management == _reference_people(moment, "in_management"), moment
        seen |= {(moment, content["name"]) for content in board + management}
        seen |= {(moment, doc.content["name"]) for doc in committees.values()}
    before, at, after = sorted({moment for moment, _ in seen})
    assert {
        (before, "Moving Director"),
        (at, "Incoming Director"),
        (at, "Nominations"),
        (at, "Risk and Compliance"),
    } <= seen
    assert (before, "Leaving Director") in seen and (after, "Leaving Director") not in seen
    assert not any(name.startswith(("Withdrawn", "Draft")) for _, name in seen)


def test_each_page_reads_the_same_few_queries_for_a_small_and_a_larger_board(
    client, company, author, approver, settings
):
    settings.PUBLIC_CACHE = False

    def queries():
        counts = []
        for path in PAGES:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(path).status_code == 200, path
            counts.append(len(captured))
        return counts

    _governance(author, approver, directors=2, committees=1)
    small = queries()
    _governance(author, approver, directors=12, committees=4)
    large = queries()
    assert small == large and max(large) <= 10, (small, large)


def test_the_sitemap_lists_the_governance_pages_that_have_something_to_show(client, company, author, approver):
    published_person(author, approver, name="Ruth Abernathy")
    sitemap = client.get("/sitemap-pages.xml").content.decode()
    assert "/investors/governance/</loc>" in sitemap
    assert "/investors/governance/management/" not in sitemap
