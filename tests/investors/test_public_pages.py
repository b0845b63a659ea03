"""The Investor Information page as the public sees it, and the company's look from the profile."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from PIL import Image

from company.models import CompanyProfile
from investors.views.home import InvestorHomeView
from irportal.accounts.roles import IR_ADMIN
from irportal.audit.models import AuditEntry
from releases.models import Audience
from releases.services import boilerplate_save
from tests.factories import MediaContactFactory, UserFactory, sign_in
from tests.investors.conftest import publish_now

pytestmark = pytest.mark.django_db

PROFILE_FORM = {
    "legal_name": "Halvorsen Instruments, Inc.",
    "short_name": "Halvorsen",
    "exchange": "Nasdaq",
    "ticker": "HLVI",
    "home_time_zone": "America/Phoenix",
    "website": "halvorsen.example",
    "default_replay_days": 7,
    "accent_colour": "#0b5394",
    "newswire": "business_wire",
    "investor_section_name": "Investor Relations",
    "date_style": "ap",
    "fiscal_year_end_month": 12,
    "fiscal_year_end_day": 31,
}


@pytest.fixture
def admin(db):
    return UserFactory(roles=[IR_ADMIN])


def png_upload(size=(800, 200), colour=(11, 83, 148), name="logo.png", image_format="PNG"):
    buffer = io.BytesIO()
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    image.save(buffer, format=image_format, exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


def test_the_page_has_what_an_ir_team_expects(client, company, author, approver, admin):
    publish_now(author, approver, headline="Halvorsen Reports Record Third Quarter")
    MediaContactFactory(name="Ira Investor", audience=Audience.INVESTORS, email="ir@halvorsen.example")
    MediaContactFactory(name="Mia Media", audience=Audience.MEDIA)
    boilerplate_save(
        actor=admin,
        pk=None,
        name="About Halvorsen",
        kind="about",
        title="About Halvorsen Instruments",
        text="<p>Halvorsen builds calibration instruments.</p>",
        is_default=True,
    )
    page = client.get("/investors/").content.decode()
    assert "Halvorsen Instruments, Inc. is listed on Nasdaq under the symbol <strong>HLVI</strong>" in page
    assert "Halvorsen Reports Record Third Quarter" in page
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT[^"]+">', page)
    assert "For Investors:" in page and "Ira Investor" in page and "mailto:ir@halvorsen.example" in page
    assert "For Media:" in page and "Mia Media" in page
    assert '<h2 id="about-heading" class="h4">About Halvorsen Instruments</h2>' in page
    assert "<p>Halvorsen builds calibration instruments.</p>" in page
    for href in ("/investors/news/", "/investors/events/", "/investors/events.ics", "/investors/alerts/"):
        assert f'href="{href}"' in page
    assert 'href="/investors/news/feed/"' in page


def test_the_about_text_follows_the_latest_version_of_the_chosen_boilerplate(client, company, admin):
    first = boilerplate_save(
        actor=admin, pk=None, name="About", kind="about", title="About Halvorsen", text="<p>Old</p>", is_default=True
    )
    boilerplate_save(
        actor=admin,
        pk=first.boilerplate.pk,
        name="About",
        kind="about",
        title="About Halvorsen",
        text="<p>New words</p>",
        is_default=True,
    )
    page = client.get("/investors/").content.decode()
    assert "<p>New words</p>" in page
    assert "<p>Old</p>" not in page


def test_without_a_chosen_boilerplate_there_is_no_about_section(client, company):
    assert 'id="about-heading"' not in client.get("/investors/").content.decode()


def test_social_cards_and_favicon(client, company):
    page = client.get("/investors/").content.decode()
    assert '<meta property="og:title" content="Investor Information · Halvorsen Instruments, Inc.">' in page
    assert '<meta property="og:type" content="website">' in page
    assert '<meta property="og:url" content="http://testserver/investors/">' in page
    assert '<meta name="twitter:card" content="summary">' in page
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page


def test_the_social_card_address_keeps_only_what_the_page_reads(client, company):
    """A cached page is the same for everyone: a parameter a visitor adds is not written into it."""
    page = client.get("/investors/news/?year=2025&note=visit+example.com").content.decode()
    assert '<meta property="og:url" content="http://testserver/investors/news/?year=2025">' in page
    assert "example.com" not in page


def test_a_release_page_is_an_article_card(client, company, author, approver):
    release = publish_now(author, approver, headline="Halvorsen Declares Dividend", subheadline="Ten cents a share")
    page = client.get(release.get_absolute_url()).content.decode()
    assert '<meta property="og:type" content="article">' in page
    assert '<meta property="og:title" content="Halvorsen Declares Dividend">' in page
    assert '<meta property="og:description" content="Ten cents a share">' in page
    assert f'<meta property="article:published_time" content="{release.first_published_at.isoformat()}">' in page


def test_the_accent_colour_comes_from_a_style_sheet(client, company):
    company.accent_colour = "#7a1f5c"
    company.save()
    page = client.get("/investors/").content.decode()
    assert 'style="' not in page
    match = re.search(r'<link rel="stylesheet" href="(/investors/theme.css\?v=\d+)">', page)
    assert match
    css = client.get(match[1])
    assert css["Content-Type"] == "text/css; charset=utf-8"
    assert css.content.decode() == ":root { --ir-accent: #7a1f5c; }\n"


@pytest.mark.parametrize(
    ("colour", "message"),
    [
        ("red", "Enter the colour as #rrggbb"),
        ("#12345", "Enter the colour as #rrggbb"),
        ("#ffee00", "too light to read on white"),
        ("</style><script>", "Ensure this value has at most 7 characters"),
    ],
)
def test_a_bad_accent_colour_is_a_form_error(client, company, admin, colour, message):
    sign_in(client, admin)
    response = client.post(reverse("company:profile_edit"), PROFILE_FORM | {"accent_colour": colour})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert CompanyProfile.load().accent_colour == "#0b5394"


def test_a_logo_is_reencoded_shown_and_audited(client, company, admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sign_in(client, admin)
    response = client.post(reverse("company:profile_edit"), PROFILE_FORM | {"logo_upload": png_upload()})
    assert response.status_code == 302
    profile = CompanyProfile.load()
    assert (profile.logo_width, profile.logo_height) == (400, 100)
    with Image.open(profile.logo.path) as stored:
        assert stored.format == "PNG"
        assert "exif" not in stored.info
    client.logout()
    page = client.get("/investors/").content.decode()
    logo_url = reverse("investors:logo", args=[profile.logo_name])
    assert f'<img class="ir-logo" src="{logo_url}" alt="" width="400" height="100">' in page
    assert f'<meta property="og:image" content="http://testserver{logo_url}">' in page
    logo = client.get(logo_url)
    assert logo.status_code == 200
    assert "immutable" in logo["Cache-Control"]
    assert b"".join(logo.streaming_content).startswith(b"\x89PNG")
    entry = AuditEntry.objects.get(action="company.profile_update")
    assert entry.changes["logo"]["after"] == profile.logo.name


def test_an_old_or_unknown_logo_address_is_404(client, company):
    assert client.get("/investors/logo/logo-0000.png").status_code == 404
    assert client.get("/investors/logo/..%2f..%2fsettings.py").status_code == 404


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("logo.png", b"not an image", content_type="image/png"), "not an image this site accepts"),
        (png_upload(image_format="GIF", name="logo.gif"), "GIF images are not accepted"),
    ],
)
def test_a_bad_logo_is_a_form_error(client, company, admin, settings, tmp_path, upload, message):
    settings.MEDIA_ROOT = tmp_path
    sign_in(client, admin)
    response = client.post(reverse("company:profile_edit"), PROFILE_FORM | {"logo_upload": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CompanyProfile.load().logo


def test_the_logo_can_be_removed(client, company, admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sign_in(client, admin)
    client.post(reverse("company:profile_edit"), PROFILE_FORM | {"logo_upload": png_upload()})
    client.post(reverse("company:profile_edit"), PROFILE_FORM | {"remove_logo": "on"})
    assert not CompanyProfile.load().logo


def test_robots_txt_keeps_staff_and_compliance_out_and_names_the_sitemap(client, company):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Disallow: /staff/" in lines
    assert "Disallow: /compliance/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_the_sitemap_lists_published_pages_only(client, embargoed, author, approver):
    live = publish_now(author, approver, slug="live-news")
    index = client.get("/sitemap.xml").content.decode()
    for section in ("pages", "news", "events", "documents"):
        assert f"<loc>http://testserver/sitemap-{section}.xml</loc>" in index
    news = client.get("/sitemap-news.xml").content.decode()
    assert f"http://testserver{live.get_absolute_url()}" in news
    assert embargoed.slug not in news
    assert "<loc>http://testserver/investors/</loc>" in client.get("/sitemap-pages.xml").content.decode()


def test_the_page_reads_the_profile_once_in_a_fixed_number_of_queries(
    company, author, approver, django_assert_num_queries
):
    publish_now(author, approver, headline="Halvorsen Reports Record Third Quarter")

    def render():
        response = InvestorHomeView.as_view()(RequestFactory().get("/investors/"))
        response.render()

    # The profile, the latest releases with their revisions, the About text, the contacts, the two event
    # lists (one query), the latest financial results with the newest presentation and their main files'
    # thumbnails (one query), and which sections the navigation shows (one query).
    with django_assert_num_queries(7) as captured:
        render()
    profile_reads = [
        query for query in captured.captured_queries if '"company_companyprofile"."legal_name"' in query["sql"]
    ]
    assert len(profile_reads) == 1


def test_the_public_navigation_names_each_section_once_on_every_page(client, company, author, approver):
    from tests.events.builders import make_event, published

    event = published(make_event(author), author, approver)
    for path in (
        "/investors/",
        "/investors/news/",
        "/investors/events/",
        "/investors/financials/",
        event.get_absolute_url(),
    ):
        page = client.get(path).content.decode()
        navigation = re.search(r'<nav aria-label="Investor information"[^>]*>(.*?)</nav>', page, re.S).group(1)
        labels = re.findall(r'class="nav-link[^"]*"[^>]*>([^<]+)</a>', navigation)
        # Only the sections with something to show: no release, document or contact has been published.
        assert labels == ["Investors", "Events &amp; presentations", "Email alerts"], path
