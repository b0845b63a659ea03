"""The IR Admin's first-run checklist, "Make this portal yours": each set-up step, done or not, from the data.

The steps of this app (the profile, the logo, the first users, the demo
content) are here; apps above register theirs (boilerplates, contacts) from
``AppConfig.ready()``. Each step answers whether it is done and one sentence
about where it stands, in a number of queries that does not grow with the
data, and names the console page that does it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from company import demo
from company.models import CompanyProfile
from irportal.accounts.roles import IR_APPROVER, IR_AUTHOR, ROLES


@dataclass(frozen=True)
class Status:
    done: bool
    detail: str


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    url_name: str
    status: Callable[[], Status]
    order: int = 50
    link_text: str = _("Open")
    anchor: str = ""


_STEPS: dict[str, Step] = {}


def register(step: Step) -> None:
    _STEPS[step.name] = step


def checklist() -> list[dict]:
    """Every step in order, with whether it is done, its sentence and the address of its page."""
    rows = []
    for step in sorted(_STEPS.values(), key=lambda step: (step.order, step.name)):
        status = step.status()
        url = reverse(step.url_name) + (f"#{step.anchor}" if step.anchor else "")
        rows.append(
            {
                "name": step.name,
                "label": step.label,
                "done": status.done,
                "detail": status.detail,
                "url": url,
                "link_text": step.link_text,
            }
        )
    return rows


def dashboard_context(user, now) -> dict:
    steps = checklist()
    done = sum(step["done"] for step in steps)
    return {"steps": steps, "done": done, "hidden": done == len(steps), "wide": True}


def profile_status() -> Status:
    profile = CompanyProfile.load()
    if profile.pk is None:
        return Status(False, gettext("No company profile yet: fill in the company's name, listing and release facts."))
    if demo.is_demo_profile(profile):
        return Status(False, gettext("The profile still describes the demo company: enter your company's own facts."))
    missing = profile.missing_for_releases
    if missing:
        return Status(False, gettext("Still missing for releases: %(fields)s.") % {"fields": ", ".join(missing)})
    return Status(True, gettext("%(listing)s: complete for releases.") % {"listing": profile.listing})


def logo_status() -> Status:
    profile = CompanyProfile.load()
    if profile.logo and not demo.is_demo_profile(profile):
        return Status(True, gettext("The public pages show the company's logo."))
    return Status(False, gettext("No logo of the company's own yet: the public pages show its name only."))


def users_status() -> Status:
    held = set(
        get_user_model()
        .objects.filter(is_active=True, demo_account__isnull=True, groups__name__in=ROLES)
        .values_list("groups__name", flat=True)
        .distinct()
    )
    nobody = ", ".join(role for role in ROLES if role not in held)
    if {IR_AUTHOR, IR_APPROVER} <= held:
        detail = gettext("Someone writes and someone else approves.")
        if nobody:
            detail += " " + gettext("No one has the role %(roles)s yet.") % {"roles": nobody}
        return Status(True, detail)
    return Status(
        False, gettext("No one of the company's own has the role %(roles)s yet: invite them.") % {"roles": nobody}
    )


def demo_status() -> Status:
    left = demo.remaining()
    if not left:
        return Status(True, gettext("No demo content is left."))
    contents = ", ".join(f"{count} {content.label}" for content, count in left)
    return Status(False, gettext("Still here: %(contents)s.") % {"contents": contents})


register(Step("profile", _("Company profile complete for releases"), "company:profile_edit", profile_status, 10))
register(Step("logo", _("Company logo"), "company:profile_edit", logo_status, 20))
register(Step("users", _("The first users and their roles"), "accounts:user_list", users_status, 50))
register(
    Step(
        "demo",
        _("Demo content removed"),
        "company:setup",
        demo_status,
        90,
        link_text=_("Remove it below"),
        anchor="demo-content",
    )
)
