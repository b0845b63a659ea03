"""The RSS feed of published releases: readable descriptions and identifiers that never change."""

import datetime as dt
from xml.etree import ElementTree

import pytest
import time_machine

from tests.investors.conftest import publish_now

pytestmark = pytest.mark.django_db

BODY = (
    "<p>Halvorsen will present at the following conference:</p>"
    "<ul><li><strong>Winter Technology Conference</strong></li><li>9:00 am MST/11:00 am EST</li></ul>"
    "<p>Scottsdale, Ariz.<br>Presenter: Ingrid Halvorsen</p>"
    "<table><tr><td>Q3</td><td>84.2</td></tr></table>"
    "<p>AT&amp;T &lt;b&gt; stays text</p>"
)


def items(client, **headers) -> list[ElementTree.Element]:
    feed = client.get("/investors/news/feed/", **headers).content
    return ElementTree.fromstring(feed).findall("channel/item")  # noqa: S314 -- the site's own feed


def test_descriptions_keep_a_space_where_a_line_or_a_list_breaks(client, company, author, approver):
    publish_now(author, approver, subheadline="", body=BODY)
    [item] = items(client)
    assert item.findtext("description") == (
        "Halvorsen will present at the following conference: Winter Technology Conference "
        "9:00 am MST/11:00 am EST Scottsdale, Ariz. Presenter: Ingrid Halvorsen Q3 84.2 "
        "AT&amp;T &lt;b&gt; stays text"
    )


def test_a_long_body_is_cut_at_a_word_with_an_ellipsis(client, company, author, approver):
    publish_now(author, approver, subheadline="", body="<p>" + "calibration " * 100 + "</p>")
    description = items(client)[0].findtext("description")
    assert len(description) <= 500
    assert description.endswith("calibration…")


def test_the_guid_is_a_stable_identifier_marked_as_not_a_link(client, company, author, approver):
    with time_machine.travel(dt.datetime(2026, 11, 30, 21, 30, tzinfo=dt.UTC), tick=False):
        release = publish_now(author, approver)
    [item] = items(client)
    guid = item.find("guid")
    assert guid.attrib == {"isPermaLink": "false"}
    assert guid.text == f"release-{release.pk}-20261130T213000Z"
    assert item.findtext("link") == f"http://testserver/investors/news/{release.slug}/"
    # Read on another host name, the links follow it, the identifier does not.
    [other] = items(client, HTTP_HOST="localhost")
    assert other.findtext("link") == f"http://localhost/investors/news/{release.slug}/"
    assert other.findtext("guid") == guid.text
