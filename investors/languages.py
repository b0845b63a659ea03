"""The public site in the company's disclosure languages: which addresses answer, and each page in every language.

Only the address says the language of a public page (Django's ``LocaleMiddleware`` with the public patterns in
``i18n_patterns(prefix_default_language=False)``, ``irportal/urls.py``): ``/investors/...`` is the primary
language, ``/fr/investors/...`` French; a visitor's browser settings (``Accept-Language``) and cookies choose
nothing. A language of the site that the company profile does not disclose in has no public pages.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from company.middleware import request_company
from investors.navigation import address
from irportal.workflow.languages import disclosure_languages, name, primary


class DisclosureLanguageMiddleware:
    """An address in a language the company does not disclose in answers 404, the same 404 as any unknown address.

    Below the public cache: a cached page costs no query, and a copy in a language the company stops disclosing
    in is dropped with every other copy when the profile is saved (``investors/receivers.py``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = translation.get_language_from_path(request.path_info)
        if language and language not in disclosure_languages(request_company(request)):
            # The 404 page of an address that names no language: in the primary language, like any other.
            translation.activate(primary())
            request.LANGUAGE_CODE = primary()
            raise Http404("The company does not disclose in this language")
        return self.get_response(request)


@dataclass(frozen=True)
class PageVersion:
    """The page a request shows, in one disclosure language."""

    language: str
    name: str  # the language's name in itself: "Français"
    url: str  # the address, with the query parameters the page reads
    absolute_url: str
    current: bool


def page_versions(request) -> list[PageVersion]:
    """The request's page in each of the company's disclosure languages, the primary first.

    Empty where the company discloses in one language, and for an address that names no page. The query string
    keeps only what the page reads (``public_page``'s parameters: a year, a page number, a search): anything
    else a visitor added never reaches a copy the public cache keeps.
    """
    match = request.resolver_match
    languages = disclosure_languages(request_company(request))
    if match is None or len(languages) < 2:
        return []
    query = _page_query(request, getattr(match.func, "public_page", None))
    current = translation.get_language()
    versions = []
    for language in languages:
        url = _address_in(match, language, request.path_info) + query
        absolute = request.build_absolute_uri(url)
        versions.append(PageVersion(language, name(language), url, absolute, current=language == current))
    return versions


def _address_in(match, language: str, path: str) -> str:
    """The address of the page ``match`` names in ``language`` (Django's ``translate_url``, from the request's own
    match rather than resolving its path again): ``path`` itself where the page has no name to be addressed by."""
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with translation.override(language):
        try:
            if not match.args and not match.kwargs:
                return address(name)  # reversed once per language: a list's, a section's first page
            return reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return path


def page_address(request) -> str:
    """The page's own absolute address: its path with only the query parameters the page reads, so nothing else a
    visitor typed in the address is written into a page the public cache keeps (``og:url``)."""
    match = request.resolver_match
    policy = getattr(match.func, "public_page", None) if match else None
    return request.build_absolute_uri(request.path + _page_query(request, policy))


def _page_query(request, policy) -> str:
    if policy is None:
        return ""
    params = (*policy.params, *policy.uncached_params)
    read = [(param, request.GET[param]) for param in params if request.GET.get(param)]
    return f"?{urlencode(read)}" if read else ""
