"""What drops the public cache: every committed change the public pages show."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from company.models import CompanyProfile
from events.models import Event
from filings.signals import filings_changed
from governance.models import Committee, Person
from investors.cache import invalidate_public_pages
from irportal.workflow.signals import state_changed
from releases.models import Boilerplate, BoilerplateVersion, MediaContact, Release
from reports.models import Document
from reports.signals import thumbnail_changed
from stock.signals import stock_changed

# Saved outside a workflow transition, yet shown on public pages (the profile,
# the contacts, the About text), or able to change what is public (an edit
# that sends an approved release back to draft before its embargo).
SHOWN_IN_PUBLIC = (
    *(CompanyProfile, MediaContact, Boilerplate, BoilerplateVersion),
    *(Release, Event, Document, Person, Committee),
)


def _on_state_changed(sender, public_already=False, **kwargs):
    """Run by the outbox: a cache that cannot be reached fails it, and it is tried again.

    Not for the publication of an item whose embargo had passed: the public has read it since its embargo
    second (visibility, the "Corrected" label and the feed's and sitemap's times are decided at read time)
    and the copies made since then say what a new render would. Dropping them at the sweep would send every
    visitor to a render a second after the embargo, the busiest moment of the day.
    """
    if not public_already:
        invalidate_public_pages()


def _on_saved_or_deleted(sender, **kwargs):
    """Best effort after the save: a copy outlives a missed invalidation by at most ``PUBLIC_CACHE_SECONDS``."""
    transaction.on_commit(invalidate_public_pages, robust=True)


def connect() -> None:
    state_changed.connect(_on_state_changed, dispatch_uid="investors.public_cache")
    # A thumbnail made (or failed) after upload appears on the lists without any workflow transition.
    thumbnail_changed.connect(_on_saved_or_deleted, dispatch_uid="investors.public_cache.thumbnail")
    # Filings imported from EDGAR (sent after the import's commit).
    filings_changed.connect(_on_saved_or_deleted, dispatch_uid="investors.public_cache.filings")
    # Prices imported, dividends, splits and analysts changed on the console.
    stock_changed.connect(_on_saved_or_deleted, dispatch_uid="investors.public_cache.stock")
    for model in SHOWN_IN_PUBLIC:
        post_save.connect(
            _on_saved_or_deleted, sender=model, dispatch_uid=f"investors.public_cache.save.{model.__name__}"
        )
        post_delete.connect(
            _on_saved_or_deleted, sender=model, dispatch_uid=f"investors.public_cache.delete.{model.__name__}"
        )
