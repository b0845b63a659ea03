"""Reading EDGAR's answers: the submissions columns and a filing's index page."""

import pytest

from filings import edgar
from filings.groups import form_group
from tests.filings import edgar_pages


def test_the_index_page_lists_each_document_with_its_type_and_leaves_out_the_submission_text_file():
    documents = edgar.parse_filing_index(edgar_pages.earnings_index_page().encode())

    assert [(doc.sequence, doc.name, doc.document_type) for doc in documents] == [
        ("1", "hlvi-20260224.htm", "8-K"),
        ("2", edgar_pages.EXHIBIT_NAME, "EX-99.1"),
        ("3", "hlvi-20260224_g1.jpg", "GRAPHIC"),
    ]
    assert [doc.name for doc in documents if edgar.is_press_release_exhibit(doc)] == [edgar_pages.EXHIBIT_NAME]


@pytest.mark.parametrize(
    "page",
    [
        "<html><body><p>Page Not Found</p></body></html>",
        edgar_pages.earnings_index_page().replace('<th scope="col">Size</th>', ""),
        edgar_pages.earnings_index_page().replace(edgar_pages.EXHIBIT_NAME, "../../secret.htm", 2),
    ],
    ids=["no-table", "other-columns", "a-name-outside-the-folder"],
)
def test_an_index_page_out_of_shape_is_refused(page):
    with pytest.raises(edgar.Malformed):
        edgar.parse_filing_index(page.encode())


def test_the_exhibit_text_is_its_words_and_matches_the_headline_across_typography():
    text = edgar.exhibit_text(edgar_pages.EARNINGS_EXHIBIT.encode())

    assert text.startswith("Exhibit 99.1 Halvorsen Instruments Reports Fourth Quarter")
    assert "margin" not in text  # the style sheet is no text
    curly = "Halvorsen Instruments\u2019 Results \u2013 Fourth Quarter"
    assert edgar.plain_words(curly) == "halvorsen instruments' results - fourth quarter"


def test_older_file_names_must_be_the_companys():
    document = edgar_pages.submissions(edgar_pages.RECENT, older=(("CIK0000320193-submissions-001.json", 1, "", ""),))

    with pytest.raises(edgar.Malformed, match="unexpected document"):
        edgar.parse_submissions(edgar_pages.as_json(document).encode(), cik=edgar_pages.CIK)


@pytest.mark.parametrize(
    ("form", "group"),
    [
        ("10-K", "periodic"),
        ("10-Q/A", "periodic"),
        ("8-K", "current"),
        ("8-K/A", "current"),
        ("DEF 14A", "proxy"),
        ("DEFA14A", "proxy"),
        ("4", "ownership"),
        ("3/A", "ownership"),
        ("S-8", "registration"),
        ("424B5", "registration"),
        ("SC 13G", "other"),
        ("CORRESP", "other"),
    ],
)
def test_each_form_type_has_its_group(form, group):
    assert form_group(form) == group
