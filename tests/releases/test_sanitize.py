"""The rich-text sanitiser drops every data-* attribute (Bootstrap's data API would read them as code)."""

import pytest

from releases.sanitize import ALLOWED_TAGS, clean_html


@pytest.mark.parametrize("tag", sorted(ALLOWED_TAGS - {"br", "col"}))
def test_data_attributes_are_dropped_from_every_allowed_tag(tag):
    payload = 'data-bs-toggle="popover" data-bs-html="true" data-bs-content="&lt;img src=x onerror=alert(1)&gt;"'
    html = f"<{tag} {payload}>x</{tag}>"
    cleaned = clean_html(html)
    assert "data-" not in cleaned
