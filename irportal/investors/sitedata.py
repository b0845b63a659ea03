"""The company's standing data on public pages: its profile, its About text and its contact list.

Every public page shows the profile (name, listing, logo, colour) and the
Investor page shows the About text and every active contact (kept written out
as HTML, the longest part of that page). None of them
depends on the time of day, and every edit of them starts a new public cache
generation (``receivers.py``). So one copy is kept in the cache, tagged with
the generation it was read in, and a request reads it in one round trip
instead of three queries. A copy of an older generation is read again from
the database; a cache outage means the database is read, never that a page
fails.

This copy is not switched off by ``PUBLIC_CACHE=off``: that switch is about
whole pages, which change with the clock. Releases and events are always read
from the database when a page is rendered.
"""

import hashlib
import logging
from dataclasses import dataclass, fields
from functools import cache as cache_on_first_use

from django.conf import settings
from django.core.cache import cache

from irportal.investors.cache import GENERATION_KEY, current_generation
from irportal.investors.models import CompanyProfile
from releases.content import contact_lines
from releases.models import BoilerplateVersion, MediaContact

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SiteData:
    generation: str
    company: CompanyProfile
    about: BoilerplateVersion | None
    contact_lines: str  # every active contact, as the Investor page prints them (``releases.content.contact_lines``)


@cache_on_first_use
def site_data_key() -> str:
    """The cache key, which names the shape of the copy: one kept by another version of the code is not read."""
    shape = [field.name for field in fields(SiteData)]
    for model in (CompanyProfile, BoilerplateVersion):
        shape += [field.attname for field in model._meta.concrete_fields]
    return "public:site-data:" + hashlib.sha256(" ".join(shape).encode()).hexdigest()[:16]


def read_site_data(generation: str = "") -> SiteData:
    """The standing data as the database has it now."""
    company = CompanyProfile.load()
    about = None
    if company.default_about_id:
        about = (
            BoilerplateVersion.objects.filter(boilerplate_id=company.default_about_id, boilerplate__is_active=True)
            .order_by("-number")
            .first()
        )
    contacts = [
        contact.snapshot()
        for contact in MediaContact.objects.filter(is_active=True).order_by("audience", "order", "name")
    ]
    return SiteData(generation, company, about, contact_lines(MediaContact.group_by_audience(contacts)))


def site_data(request=None) -> SiteData:
    """The standing data, read once per request: from the cache when its copy is of the current generation."""
    if request is not None and hasattr(request, "site_data"):
        return request.site_data
    try:
        found = cache.get_many([GENERATION_KEY, site_data_key()])
        generation = current_generation(found)
    except Exception:  # without the cache the data is read from the database
        logger.exception("cache unavailable; reading the company profile and contacts from the database")
        data = read_site_data()
    else:
        data = found.get(site_data_key())
        if data is None or data.generation != generation:
            data = read_site_data(generation)
            _keep(data)
    if request is not None:
        request.site_data = data
    return data


def _keep(data: SiteData) -> None:
    try:
        # Bounded like a page copy, in case a generation could not be started after an edit.
        cache.set(site_data_key(), data, timeout=settings.PUBLIC_CACHE_SECONDS)
    except Exception:  # a copy not kept is read again next time
        logger.exception("could not keep the company profile and contacts in the cache")
