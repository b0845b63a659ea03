"""The staff console's navigation: each app registers its entries with the permission they need.

The navigation only hides what a user cannot use; every view checks the same
permission on the server.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

_ITEMS: dict[str, "NavItem"] = {}


@dataclass(frozen=True)
class NavItem:
    label: str  # lazily translated: the entry is registered once and read in each person's language
    url_name: str
    permission: str | None = None
    order: int = 50
    url_kwargs: tuple[tuple[str, str], ...] = ()
    # Beyond ``permission``: who the entry is for (e.g. the calendar, for anyone who may open some kind).
    shown_to: Callable[..., bool] | None = None

    def allowed(self, user) -> bool:
        return (
            user.is_authenticated
            and (self.permission is None or user.has_perm(self.permission))
            and (self.shown_to is None or self.shown_to(user))
        )

    @property
    def key(self) -> str:
        return self.url_name + "".join(f"/{value}" for _, value in self.url_kwargs)


def register(item: NavItem) -> None:
    _ITEMS[item.key] = item


def items_for(user, path: str = "") -> list[dict]:
    """The entries ``user`` may use, in order; the one ``path`` is in is ``current``."""
    items = []
    for item in sorted(_ITEMS.values(), key=lambda item: (item.order, item.label)):
        if item.allowed(user):
            url = reverse(item.url_name, kwargs=dict(item.url_kwargs))
            items.append({"label": item.label, "url": url, "url_name": item.url_name, "url_path": url})
    # The longest address the page is under is its section (the dashboard only for itself).
    sections = [
        entry
        for entry in items
        if path == entry["url"] or (entry["url"] != "/staff/" and path.startswith(entry["url"]))
    ]
    current = max(sections, key=lambda entry: len(entry["url"]), default=None)
    for entry in items:
        entry["current"] = entry is current
    return items


DASHBOARD = "accounts:console"
register(NavItem(_("Dashboard"), DASHBOARD, None, order=0))
