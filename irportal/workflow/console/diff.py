"""Readable differences between two revisions: field by field, word by word, never raw JSON."""

import difflib
import re

from django.utils.html import strip_tags
from django.utils.translation import gettext

from irportal.workflow import languages

_WORDS = re.compile(r"\s+|[^\s]+")


def readable(value) -> str:
    """A revision value as text a person reads: HTML as its words, lists one item a line, records as "key: value"."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, str):
        return strip_tags(value.replace("</p>", "</p>\n").replace("</tr>", "</tr>\n").replace("</td>", " | </td>"))
    if isinstance(value, list):
        return "\n".join(_line(item) for item in value)
    if isinstance(value, dict):
        return "\n".join(
            f"{key.replace('_', ' ')}: {_line(item)}" for key, item in value.items() if item not in ("", None)
        )
    return str(value)


def _line(value) -> str:
    if isinstance(value, dict):
        return ", ".join(_line(item) for key, item in value.items() if item not in ("", None) and key != "id")
    if isinstance(value, list):
        return "; ".join(_line(item) for item in value)
    return readable(value) if isinstance(value, str) else str(value)


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """(operation, text) pieces: "same", "removed" or "added"."""
    old, new = _WORDS.findall(before), _WORDS.findall(after)
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


def revision_diff(before: dict, after: dict, kind) -> list[dict]:
    """The changed fields of two revisions' content, in the kind's order, each as word-level pieces.

    When either revision holds text in a secondary language, each translatable field is labelled by its
    language (``Headline (English)``), and each language's changes follow the primary's.
    """
    labels = dict(kind.diff_labels)
    labels.update(
        {name: name.replace("_", " ").capitalize() for name in sorted(set(before) | set(after)) if name not in labels}
    )
    labels.pop("translations", None)
    translations = before.get("translations") or {}, after.get("translations") or {}
    secondary = list(dict.fromkeys([*translations[0], *translations[1]]))
    translatable = kind.workflow.translatable if secondary else ()

    def text(name, value):
        written = kind.field_text(name, value)
        return readable(value) if written is None else written

    def change(label, name, old, new):
        return {"field": label, "pieces": word_diff(text(name, old), text(name, new))}

    def in_language(name, language):
        return gettext("%(field)s (%(language)s)") % {
            "field": labels.get(name, name),
            "language": languages.name_in_use(language),
        }

    changes = [
        change(
            in_language(name, languages.primary()) if name in translatable else label,
            name,
            before.get(name),
            after.get(name),
        )
        for name, label in labels.items()
        if before.get(name) != after.get(name)
    ]
    for language in secondary:
        old, new = translations[0].get(language) or {}, translations[1].get(language) or {}
        changes += [
            change(in_language(name, language), name, old.get(name), new.get(name))
            for name in translatable
            if text(name, old.get(name)) != text(name, new.get(name))
        ]
    return changes
