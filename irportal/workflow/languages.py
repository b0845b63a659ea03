"""The company's disclosure languages and the text of a revision in each of them.

The primary language (``settings.LANGUAGE_CODE``) is written in the item's own fields; every secondary language
of the company profile in ``translations``, ``{"fr": {"headline": ..., "body": ...}}``, over the kind's
translatable fields (``WorkflowSpec.translatable``). A revision's content snapshot carries both, so one approval
and one publication cover every language.
"""

import copy

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.forms.utils import pretty_name
from django.utils.html import strip_tags
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info

from company.models import CompanyProfile


def primary() -> str:
    """The primary language: the item's own fields, and the public pages' addresses without a prefix."""
    return settings.LANGUAGE_CODE


def disclosure_languages(company: CompanyProfile | None = None) -> list[str]:
    """The company's disclosure languages, the primary first: ``company``'s, the profile a request already read,
    or the profile's."""
    return list((company or CompanyProfile.load()).disclosure_languages or [primary()])


def secondary() -> list[str]:
    """The disclosure languages other than the primary: each is required on every revision."""
    return [code for code in disclosure_languages() if code != primary()]


def name(language: str) -> str:
    """The language's name in itself, as the site lists it: ``Français``."""
    return dict(settings.LANGUAGES).get(language, language)


def name_in_use(language: str) -> str:
    """The language's name in the language of the page that names it: ``French`` on an English page."""
    return str(get_language_info(language)["name_translated"])


# The form each kind's items are written in (the console registers it): it names the translatable fields.
_FORMS: dict[str, type] = {}


def register_form(spec, form_class: type) -> None:
    _FORMS[spec.kind] = form_class


def field_label(spec, field: str) -> str:
    """How the kind's form labels a translatable field (``Headline``), else its model field's name."""
    form_field = getattr(_FORMS.get(spec.kind), "base_fields", {}).get(field)
    if form_field is not None and form_field.label:
        return str(form_field.label)
    try:
        return str(capfirst(spec.model._meta.get_field(field).verbose_name))
    except FieldDoesNotExist:
        return pretty_name(field)


def localized(content: dict, language: str) -> dict:
    """The content as read in ``language``: its translations laid over the translatable fields.

    Unchanged for the primary language, and for a language the revision holds no text in. A snapshot within the
    content that carries translations of its own (a release's About text, each of its contacts) is read in the
    language too.
    """
    if language == primary():
        return content
    laid = {**content, **(content.get("translations") or {}).get(language, {})}
    return {key: _nested(value, language) for key, value in laid.items()}


def active() -> str:
    """The language of the page being made (Django's active language), the primary when none is active."""
    return get_language() or primary()


def in_active_language(content: dict) -> dict:
    """The content ``localized`` in the language of the page being made (``active``)."""
    return localized(content, active())


def _nested(value, language: str):
    if isinstance(value, dict) and "translations" in value:
        return localized(value, language)
    if isinstance(value, list):
        return [_nested(entry, language) for entry in value]
    return value


def filled(value) -> bool:
    """Whether a field says something: text that is not only blanks or empty markup, a list with such an entry."""
    if isinstance(value, str):
        return bool(strip_tags(value).strip())
    if isinstance(value, list | tuple):
        return any(filled(entry) for entry in value)
    return bool(value)


def snapshot(spec, translations: dict) -> dict:
    """The text of the company's secondary languages in an item's ``translations``, for its revision: the
    translatable fields of each language that has any text, in the order of ``secondary()``."""
    kept = {}
    for language in secondary():
        text = {
            field: value for field, value in (translations.get(language) or {}).items() if field in spec.translatable
        }
        if any(filled(value) for value in text.values()):
            kept[language] = text
    return kept


def of(content: dict) -> list[str]:
    """The languages a revision is written in: the primary, then those its translations hold text in."""
    return [primary(), *(content.get("translations") or {})]


def revision_in(revision, language: str):
    """The revision as read in ``language``: an unsaved copy whose content is ``localized``, for a kind's
    document (the staff preview of each language)."""
    shown = copy.copy(revision)
    shown.content = localized(revision.content, language)
    return shown


def missing(spec, content: dict, languages) -> list[tuple[str, str]]:
    """``(language, field)`` for each translatable field filled in the primary language and empty in a secondary
    one of ``languages``."""
    translations = content.get("translations") or {}
    return [
        (language, field)
        for language in languages
        if language != primary()
        for field in spec.translatable
        if filled(content.get(field)) and not filled((translations.get(language) or {}).get(field))
    ]
