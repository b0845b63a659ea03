"""The Investor page's lists written in one pass (``latest_news_items``, ``latest_filing_items``,
``upcoming_event_lines``): the markup its templates wrote for each item, in each language, every value escaped."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

from events.content import EventDocument
from events.models import Event
from filings.models import Filing
from releases.content import ReleaseDocument
from releases.models import Release

NOW = dt.datetime(2026, 12, 7, 18, 0, tzinfo=dt.UTC)
COMPANY = SimpleNamespace(home_time_zone="America/Phoenix")

# What the templates wrote for each item before the lists were written in one pass.
TEMPLATE_RELEASES = (
    "{% load ir %}{% for doc in latest_releases %}\n"
    '          <li class="mb-3"><span class="small text-body-secondary d-block">'
    "{% public_time doc.release.public_since %}</span>"
    '<a href="{{ doc.url }}">{{ doc.headline }}</a></li>\n        {% endfor %}'
)
TEMPLATE_FILINGS = (
    "{% load ir %}{% for filing in latest_filings %}"
    '<li class="mb-2"><span class="small text-body-secondary d-block">{% public_date filing.filing_date %}</span>'
    '<a href="{{ filing.document_url }}" rel="external">{{ filing.form }}{% if filing.title %}: {{ filing.title }}'
    "{% endif %}</a></li>{% endfor %}"
)
TEMPLATE_EVENTS = (
    "{% load i18n %}{% for doc in upcoming_events %}\n"
    '    <p class="mb-2"><a href="{{ doc.url }}">{{ doc.title }}</a>{% if doc.conference %}, {{ doc.conference }}'
    "{% endif %} &middot; {{ doc.when }}{% if doc.show_webcast %} &middot; "
    '<a href="{{ doc.webcast_url }}" rel="noopener">{% translate "Live webcast" %}</a>{% endif %}</p>\n'
    "  {% endfor %}"
)


def render(source: str, **context) -> str:
    return Template(source).render(Context({"company": COMPANY, **context}))


def release(slug: str, headline: str, **moments) -> ReleaseDocument:
    row = Release(slug=slug, **moments)
    return ReleaseDocument({"headline": headline}, release=row, url=f"/investors/news/{slug}/")


def event(slug: str, *, starts: dt.datetime, cancelled: bool = False, **content) -> EventDocument:
    row = Event(slug=slug, cancelled_at=NOW if cancelled else None)
    content = {
        "title": "Fireside chat",
        "organizer": "",
        "starts_at": starts.isoformat(),
        "ends_at": None,
        "time_zone": "America/New_York",
        "webcast_url": "",
    } | content
    return EventDocument(row, content, now=NOW, home_zone=COMPANY.home_time_zone)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_latest_news_as_the_template_wrote_them(language):
    documents = [
        release(
            "q3-results", "Q3 results & <outlook>", first_published_at=dt.datetime(2026, 11, 30, 23, 5, tzinfo=dt.UTC)
        ),
        release("dividend", 'A "special" dividend', publish_at=dt.datetime(2026, 7, 1, 13, 0, 8, tzinfo=dt.UTC)),
        release("draft", "Never public"),  # no moment: no time written
    ]
    with translation.override(language):
        written = render("{% load ir %}{% latest_news_items latest_releases %}", latest_releases=documents)
        assert written == render(TEMPLATE_RELEASES, latest_releases=documents)
    assert "Q3 results &amp; &lt;outlook&gt;" in written


def test_the_latest_filings_as_the_template_wrote_them():
    def filing(number: int, form: str, description: str = "", primary_document: str = "") -> Filing:
        return Filing(
            cik="0001990217",
            accession_number=f"0001990217-26-{number:06d}",
            form=form,
            filing_date=dt.date(2026, 2, number),
            description=description,
            primary_document=primary_document,
        )

    filings = [
        filing(1, "10-K", "Annual report & exhibits", "hlvi-10k.htm"),
        filing(2, "8-K", "8-K"),  # the description only repeats the form: no title
        filing(3, "SC 13G/A", "Primary document", "<odd>.htm"),
        filing(4, "4"),
    ]
    written = render("{% load ir %}{% latest_filing_items latest_filings %}", latest_filings=filings)
    assert written == render(TEMPLATE_FILINGS, latest_filings=filings)
    assert "10-K: Annual report &amp; exhibits" in written


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_upcoming_events_as_the_template_wrote_them(language):
    ahead = NOW + dt.timedelta(days=3)
    documents = [
        event(
            "chat", starts=ahead, organizer="Northeast <Growth> Conference", webcast_url="https://w.example/?a=1&b=2"
        ),
        event(
            "live-now",
            starts=NOW - dt.timedelta(minutes=5),
            ends_at=(NOW + dt.timedelta(hours=1)).isoformat(),
            webcast_url="https://w.example/live",
        ),
        event("named", starts=ahead, title="Northeast Growth Conference", organizer="Northeast Growth Conference"),
        event("cancelled", starts=ahead, cancelled=True, webcast_url="https://w.example/c"),
        event("over", starts=NOW - dt.timedelta(days=1), webcast_url="https://w.example/over"),
    ]
    with translation.override(language):
        written = render("{% load event_lists %}{% upcoming_event_lines upcoming_events %}", upcoming_events=documents)
        assert written == render(TEMPLATE_EVENTS, upcoming_events=documents)
    assert "Northeast &lt;Growth&gt; Conference" in written and "a=1&amp;b=2" in written
