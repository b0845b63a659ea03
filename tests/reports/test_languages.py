"""Documents in every disclosure language: the title and summary written in each, approval waiting for them, and a
main PDF of its own in a language (optional) offered on that language's pages instead of the main one."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from company.files import PDF, check_upload
from irportal.workflow.engine import TransitionNotAllowed
from irportal.workflow.models import State
from reports import services
from reports.checks import CODES as EVERY_WARNING
from reports.models import Document, DocumentFile
from reports.workflow import document_approve, document_publish, document_submit
from tests.factories import sign_in
from tests.reports.builders import blank_pdf, good_pdf, make_document, upload
from tests.reports.test_files import create_form

pytestmark = pytest.mark.django_db

FRENCH = {"title": "Résultats du troisième trimestre", "summary": "Chiffre d'affaires de 84,2 M$, en hausse de 12 %."}


@pytest.fixture
def bilingual(company):
    company.disclosure_languages = ["en", "fr"]
    company.save()
    return company


def french_pdf() -> bytes:
    return blank_pdf(3)


def checked(data: bytes, name="resultats.pdf"):
    return check_upload(upload(data, name), accept=PDF)


def in_french(document, author, *, pdf: bytes | None = None, **french):
    document = Document.objects.get(pk=document.pk)
    return services.document_update(
        actor=author,
        pk=document.pk,
        base_version=document.version,
        language_files={"fr": checked(pdf)} if pdf else None,
        translations={"fr": FRENCH | french},
    )


def working(document):
    document = Document.objects.get(pk=document.pk)
    return document.revisions.get(number=document.version).content


def test_approval_is_refused_while_the_french_text_is_missing_and_allowed_with_it(bilingual, author, approver):
    document = make_document(author)
    document_submit(document_id=document.pk, actor=author)
    with pytest.raises(TransitionNotAllowed, match="French text missing: Title, Summary"):
        document_approve(document_id=document.pk, actor=approver, acknowledged=EVERY_WARNING)
    assert Document.objects.get(pk=document.pk).status == State.IN_REVIEW
    in_french(document, author)  # no French PDF: the French pages offer the main one
    document_submit(document_id=document.pk, actor=author)
    approved = document_approve(document_id=document.pk, actor=approver, acknowledged=EVERY_WARNING)
    assert approved.status == State.APPROVED


def test_a_french_pdf_is_part_of_the_revision_its_approval_covers_and_its_replacement_is_a_change(
    bilingual, author, approver
):
    document = in_french(make_document(author), author, pdf=french_pdf())
    stored = document.files.get(language="fr")
    assert (stored.role, stored.label, stored.pages) == ("main", "Q3 FY2026 Résultats du troisième trimestre", 3)
    content = working(document)
    assert content["main_file"]["token"] != stored.token
    assert content["translations"]["fr"] == FRENCH | {"main_file": stored.snapshot()}
    document_submit(document_id=document.pk, actor=author)
    document_approve(document_id=document.pk, actor=approver, acknowledged=EVERY_WARNING)
    replaced = in_french(document, author, pdf=blank_pdf(4))
    assert replaced.status == State.DRAFT  # an approved document edited goes back to draft
    assert working(replaced)["translations"]["fr"]["main_file"]["pages"] == 4
    assert DocumentFile.objects.get(pk=stored.pk).removed  # kept for the earlier revision


def test_taking_the_french_pdf_out_and_restoring_an_earlier_revision(bilingual, author):
    document = in_french(make_document(author), author, pdf=french_pdf())
    with_pdf = document.version
    document = services.document_update(
        actor=author, pk=document.pk, base_version=document.version, removed_languages=["fr"]
    )
    assert "main_file" not in working(document)["translations"]["fr"]
    assert working(document)["translations"]["fr"]["title"] == FRENCH["title"]
    document = services.document_restore(actor=author, pk=document.pk, number=with_pdf)
    assert working(document)["translations"]["fr"]["main_file"]["pages"] == 3
    assert document.translations == {"fr": FRENCH}


def test_the_console_form_asks_for_the_french_text_and_offers_a_french_pdf(client, bilingual, author):
    sign_in(client, author)
    create = reverse("console:create", kwargs={"kind": "documents"})
    page = client.get(create).content.decode()
    assert 'name="fr-title"' in page and 'name="fr-summary"' in page and 'name="main_file_fr"' in page
    assert "Main document in French (PDF)" in page
    data = create_form(upload(good_pdf()), summary="Revenue of $84.2 million.")
    french = {"fr-title": FRENCH["title"], "fr-summary": FRENCH["summary"]}
    refused = client.post(create, data | french | {"main_file_fr": upload(b"not a pdf", "faux.pdf")})
    assert refused.status_code == 200 and refused.context["form"].errors["main_file_fr"]
    assert not Document.objects.exists()
    data = create_form(upload(good_pdf()), summary="Revenue of $84.2 million.")
    saved = client.post(create, data | french | {"main_file_fr": upload(french_pdf(), "resultats.pdf")})
    assert saved.status_code == 302
    document = Document.objects.get()
    assert document.translations == {"fr": FRENCH}
    assert document.files.get(language="fr").original_name == "resultats.pdf"
    edit = client.get(reverse("console:edit", kwargs={"kind": "documents", "pk": document.pk})).content.decode()
    assert 'name="remove_main_file_fr"' in edit
    review = client.get(document.get_staff_url()).content.decode()
    assert 'data-testid="file-language">français</span>' in review


def test_a_company_in_english_alone_is_offered_no_french_pdf(client, company, author):
    sign_in(client, author)
    page = client.get(reverse("console:create", kwargs={"kind": "documents"})).content.decode()
    assert "main_file_fr" not in page and "fr-title" not in page


@pytest.fixture
def public_pair(bilingual, author, approver):
    """Two public documents in both languages: one with a French PDF of its own, one without."""
    documents = []
    for slug, pdf in (("q3-fy2026-results", french_pdf()), ("q3-fy2026-slides", None)):
        document = in_french(make_document(author, slug=slug), author, pdf=pdf)
        document_submit(document_id=document.pk, actor=author)
        document_approve(document_id=document.pk, actor=approver, acknowledged=EVERY_WARNING)
        documents.append(document_publish(document_id=document.pk, actor=approver))
    return documents


def test_the_french_page_reads_the_french_text_and_offers_the_french_pdf_when_there_is_one(client, public_pair):
    with_pdf, without = public_pair
    english_main = with_pdf.files.get(language="", role="main")
    french_main = with_pdf.files.get(language="fr")
    french = client.get(f"/fr/investors/documents/{with_pdf.slug}/").content.decode()
    assert "Résultats du troisième trimestre" in french and escape(FRENCH["summary"]) in french
    assert f"/fr/investors/documents/{with_pdf.slug}/files/{french_main.token}/file" in french
    assert english_main.token not in french
    english = client.get(f"/investors/documents/{with_pdf.slug}/").content.decode()
    assert "Third quarter results" in english and english_main.token in english and french_main.token not in english
    page = client.get(f"/fr/investors/documents/{without.slug}/").content.decode()
    assert without.files.get(role="main").token in page  # no French PDF: the one file
    for prefix in ("/fr", ""):
        response = client.get(f"{prefix}/investors/documents/{with_pdf.slug}/files/{french_main.token}/file")
        assert response.status_code == 200


def test_the_french_lists_read_the_french_titles(client, public_pair):
    french = client.get("/fr/investors/financials/").content.decode()
    assert "Résultats du troisième trimestre" in french
    assert "Third quarter results" not in french
