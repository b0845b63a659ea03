"""Readable differences between two revisions: field by field, word by word."""

import difflib
import json
import re

from django.utils.html import strip_tags

_WORDS = re.compile(r"\s+|[^\s]+")


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return strip_tags(value.replace("</p>", "</p>\n").replace("</tr>", "</tr>\n").replace("</td>", " | </td>"))
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "\n".join(value)
    return json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False)


def word_diff(before, after) -> list[tuple[str, str]]:
    """(operation, text) pieces: "same", "removed" or "added"."""
    old, new = _WORDS.findall(_as_text(before)), _WORDS.findall(_as_text(after))
    pieces = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(("same", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("removed", "".join(old[i1:i2])))
        if j2 > j1:
            pieces.append(("added", "".join(new[j1:j2])))
    return pieces


FIELD_LABELS = {
    "headline": "Headline",
    "subheadline": "Subheadline",
    "highlights": "Highlights",
    "slug": "Address",
    "dateline": "Dateline",
    "body": "Body",
    "about": "About",
    "safe_harbor": "Forward-looking statements",
    "contacts": "Contacts",
    "images": "Images",
    "attachments": "Attachments",
}


def revision_diff(before: dict, after: dict) -> list[dict]:
    return [
        {"field": FIELD_LABELS.get(name, name), "pieces": word_diff(before.get(name), after.get(name))}
        for name in FIELD_LABELS
        if before.get(name) != after.get(name)
    ]
