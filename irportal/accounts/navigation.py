"""The staff console's navigation: each app registers its entries with the permission they need.

The navigation only hides what a user cannot use; every view checks the same
permission on the server.
"""

from dataclasses import dataclass

from django.urls import reverse

_ITEMS: dict[str, "NavItem"] = {}


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None = None
    order: int = 50

    def allowed(self, user) -> bool:
        return user.is_authenticated and (self.permission is None or user.has_perm(self.permission))


def register(item: NavItem) -> None:
    _ITEMS[item.url_name] = item


def items_for(user) -> list[dict]:
    return [
        {"label": item.label, "url": reverse(item.url_name), "url_name": item.url_name}
        for item in sorted(_ITEMS.values(), key=lambda item: (item.order, item.label))
        if item.allowed(user)
    ]


register(NavItem("Dashboard", "accounts:console", None, order=0))
