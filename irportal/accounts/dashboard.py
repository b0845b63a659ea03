"""The staff dashboard: panels the apps register, each shown to the roles it concerns.

An app registers a ``Panel`` from its ``AppConfig.ready()``: a template and
a function that answers the panel's context for one user at one moment, in a
number of queries that does not grow with the data (lists are bounded). The
dashboard shows, in order, the panels the user may see; a panel whose context
says ``hidden`` (e.g. a checklist all done) is left out, one that says ``wide``
takes the page's width.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: Callable[..., dict]  # (user, now) -> the template's context
    permission: str | None = None
    order: int = 50
    # Shown only to users who may see it (beyond ``permission``), e.g. approvers; default: everyone allowed.
    shown_to: Callable[..., bool] | None = None

    def allowed(self, user) -> bool:
        if self.permission is not None and not user.has_perm(self.permission):
            return False
        return self.shown_to is None or self.shown_to(user)


_PANELS: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    _PANELS[panel.name] = panel


def panels_for(user, now: datetime) -> list[dict]:
    shown = [
        {"name": panel.name, "template": panel.template, **panel.context(user, now)}
        for panel in sorted(_PANELS.values(), key=lambda panel: (panel.order, panel.name))
        if panel.allowed(user)
    ]
    return [panel for panel in shown if not panel.get("hidden")]
