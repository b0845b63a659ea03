"""The frame every public page shares (``templates/public/base.html``): its navigation, its language versions and
its links, written by the ``ir`` tags in one pass, as the loops and ``{% url %}`` they replace wrote them."""

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject, lazy

from investors.languages import PageVersion
from investors.navigation import Section, address

# Values that need escaping, and a lazy translation, as a label can be.
SECTIONS = [
    Section("overview", "Investors", "/investors/"),
    Section("events", lazy(lambda: "Events & <presentations>", str)(), "/investors/events/?a=1&b='2'"),
    Section("contacts", 'Say "hello"', "/investors/#contacts"),
]
VERSIONS = [
    PageVersion(
        "en", "English", "/investors/news/?year=2026&q=a", "http://testserver/investors/news/?year=2026&q=a", True
    ),
    PageVersion(
        "fr",
        "Français",
        "/fr/investors/news/?year=2026&q=a",
        "http://testserver/fr/investors/news/?year=2026&q=a",
        False,
    ),
]


def render(source: str, **context) -> str:
    return Template("{% load ir %}" + source).render(Context(context))


@pytest.mark.parametrize("path", ["/investors/", "/investors/events/?a=1&b='2'", "/elsewhere/"])
def test_the_navigation_is_written_as_its_loop_wrote_it(path):
    loop = (
        "{% for section in sections %}\n"
        '        <li class="nav-item"><a class="nav-link" href="{{ section.url }}"'
        '{% if path == section.url %} aria-current="page"{% endif %}>{{ section.label }}</a></li>\n'
        "        {% endfor %}"
    )
    expected = render(loop, sections=SECTIONS, path=path)
    assert render("{% navigation_items sections path %}", sections=SECTIONS, path=path) == expected


def test_the_current_section_is_marked_and_every_value_escaped():
    written = render("{% navigation_items sections path %}", sections=SECTIONS, path="/investors/")
    assert written.count('aria-current="page"') == 1
    assert 'href="/investors/" aria-current="page">Investors<' in written
    assert "Events &amp; &lt;presentations&gt;" in written
    assert 'href="/investors/events/?a=1&amp;b=&#x27;2&#x27;"' in written
    assert "Say &quot;hello&quot;" in written


@pytest.mark.parametrize("versions", [VERSIONS, VERSIONS[::-1], VERSIONS[:1], []])
def test_the_alternates_and_the_switch_are_written_as_their_loops_wrote_them(versions):
    alternates = (
        '{% for version in versions %}<link rel="alternate" hreflang="{{ version.language }}" '
        'href="{{ version.absolute_url }}">\n  {% if forloop.last %}<link rel="alternate" hreflang="x-default" '
        'href="{{ versions.0.absolute_url }}">{% endif %}{% endfor %}'
    )
    switch = (
        '{% for version in versions %}{% if not version.current %}<a class="ir-language no-print" '
        'href="{{ version.url }}" lang="{{ version.language }}" hreflang="{{ version.language }}" '
        'data-testid="language-switch">{{ version.name }}</a>{% endif %}{% endfor %}'
    )
    lazily = SimpleLazyObject(lambda: versions)  # as the context processor gives them
    assert render("{% alternates versions %}", versions=lazily) == render(alternates, versions=versions)
    assert render("{% language_switch versions %}", versions=lazily) == render(switch, versions=versions)


def test_the_switch_links_to_the_other_languages_only():
    written = render("{% language_switch versions %}", versions=VERSIONS)
    assert written.count("<a ") == 1
    assert 'href="/fr/investors/news/?year=2026&amp;q=a" lang="fr"' in written
    assert ">Français</a>" in written


@pytest.mark.parametrize("name", ["investors:home", "news:feed", "events_calendar", "alerts:subscribe"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_address_is_the_one_url_reverses_in_the_active_language(name, language):
    with translation.override(language):
        assert address(name) == reverse(name)
        assert render(f"{{% address '{name}' %}}") == render(f"{{% url '{name}' %}}")
