from html.parser import HTMLParser

import pytest
from django.urls import reverse

from releases.models import Release
from tests.factories import make_release, sign_in
from tests.releases.test_staff_views import form_data
from tests.releases.xss import PAYLOADS

pytestmark = pytest.mark.django_db

ACTIVE_TAGS = {
    "script", "iframe", "object", "embed", "svg", "math", "base", "meta", "link", "style", "form", "input",
    "button", "video", "audio", "details", "template", "noscript", "isindex", "marquee", "body", "img", "x",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "background", "data", "srcdoc"}


class ActiveContent(HTMLParser):
    """Collects what a browser would run: active elements, event handlers, script URLs, inline styles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in ACTIVE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            cleaned = "".join((value or "").split()).lower()
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag}[{name}]")
            elif name in URL_ATTRIBUTES and cleaned.startswith(("javascript:", "vbscript:", "data:")):
                self.found.append(f"{tag}[{name}={value}]")


def active_content(html: str) -> list[str]:
    parser = ActiveContent()
    parser.feed(html)
    return parser.found


def test_there_are_at_least_a_hundred_payloads():
    assert len(set(PAYLOADS)) >= 100


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_saved_through_the_form_renders_inert(client, company, author, payload):
    release = make_release(author)
    sign_in(client, author)
    data = form_data(slug=release.slug, headline=payload[:300], subheadline=payload[:500], body=payload + "<p>Safe</p>")
    response = client.post(
        reverse("console:edit", kwargs={"kind": "releases", "pk": release.pk}), data | {"base_version": release.version}
    )
    assert response.status_code in {200, 302}
    preview = client.get(reverse("console:preview", kwargs={"kind": "releases", "pk": release.pk})).content.decode()
    article = preview[preview.index("<article") : preview.index("</article>")]
    assert active_content(article) == []
    assert active_content(Release.objects.get(pk=release.pk).body) == []


def test_the_inertness_check_finds_live_payloads():
    assert active_content('<img src=x onerror=alert(1)><a href=" javascript:x">a</a><script>') == [
        "<img>",
        "img[onerror]",
        "a[href= javascript:x]",
        "<script>",
    ]
