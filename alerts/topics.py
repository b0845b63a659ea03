"""What each kind of publication says in an alert mail, and who receives it.

A topic is a workflow kind and transition (``release.publish``,
``event.publish``, ``event.replay_publish``, ``document.publish``) with the
audience that receives it (news, events or financial reports subscribers) and a small function that builds the mail's
subject, text and link from the item's id. The builder returns None when the
item is not public (any more): then nothing is sent. A builder writes in the
active language (``translation.override`` around it): the interface words, the
item's text in that language (``languages.localized``), its public address
(``/fr/investors/...``) and its dates.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin

from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from alerts.models import Audience
from irportal.workflow import languages


@dataclass(frozen=True)
class AlertItem:
    """One item of a mail about several (a package): its name and its public address."""

    title: str
    url: str


@dataclass(frozen=True)
class AlertContent:
    subject: str
    summary: str
    url: str
    title: str = ""  # the item's own name, as a list of several items shows it
    # A mail about several items (a package): each item, and the audiences of the subscribers who receive it
    # (a subscriber of any of them); empty for one item, which goes to its topic's audience.
    items: tuple[AlertItem, ...] = ()
    audiences: tuple[str, ...] = ()


@dataclass(frozen=True)
class Topic:
    kind: str
    transition: str
    audience: str
    build: Callable[[int], AlertContent | None]

    @property
    def name(self) -> str:
        return f"{self.kind}.{self.transition}"


_TOPICS: dict[str, Topic] = {}


def register(topic: Topic) -> Topic:
    _TOPICS[topic.name] = topic
    return topic


def topic_for(kind: str, transition: str) -> Topic | None:
    return _TOPICS.get(f"{kind}.{transition}")


def topic_named(name: str) -> Topic | None:
    return _TOPICS.get(name)


def absolute(path: str) -> str:
    return urljoin(settings.SITE_URL.rstrip("/") + "/", path.lstrip("/"))


def _company_name() -> str:
    from company.models import CompanyProfile

    return CompanyProfile.load().legal_name


def release_alert(item_id: int) -> AlertContent | None:
    from releases.models import Release

    now = timezone.now()
    release = Release.objects.filter(pk=item_id).select_related("live_revision", "approved_revision").first()
    revision = release.public_revision(now) if release is not None else None
    if revision is None:
        return None
    content = languages.localized(revision.content, get_language())
    return AlertContent(
        subject=_("%(company)s: %(headline)s") % {"company": _company_name(), "headline": content["headline"]},
        summary=content.get("subheadline") or "",
        url=absolute(release.get_absolute_url()),
        title=content["headline"],
    )


def document_alert(item_id: int) -> AlertContent | None:
    from reports.selectors import public_document_by_id

    doc = public_document_by_id(item_id, timezone.now())
    if doc is None:
        return None
    return AlertContent(
        subject=_("%(company)s: %(headline)s")
        % {"company": _company_name(), "headline": f"{doc.period_label} {doc.title}"},
        summary=doc.summary or _("%(kind)s, %(period)s.") % {"kind": doc.kind_label, "period": doc.period_text},
        url=absolute(doc.url),
        title=f"{doc.period_label} {doc.title}",
    )


def _public_event(item_id: int):
    """The public event and its title in the active language, or None when it is not public."""
    if not apps.is_installed("events"):
        return None
    event_model = apps.get_model("events", "Event")
    event = event_model.objects.filter(pk=item_id).select_related("live_revision", "approved_revision").first()
    revision = event.public_revision(timezone.now()) if event is not None else None
    if revision is None:
        return None
    return event, languages.localized(revision.content, get_language())["title"]


def _event_time(event, instant) -> str:
    """As the event's page writes it: the company's zone and the event's, in the company's way of writing dates."""
    from company import timefmt as company_time
    from company.models import CompanyProfile
    from events import timefmt

    profile = CompanyProfile.load()
    with company_time.override(profile.date_style):
        return timefmt.when(instant, event.time_zone, profile.home_time_zone)


def event_alert(item_id: int) -> AlertContent | None:
    public = _public_event(item_id)
    if public is None:
        return None
    event, title = public
    dated = title
    if event.starts_at is not None:
        dated = _("%(title)s, %(when)s") % {"title": title, "when": _event_time(event, event.starts_at)}
    return AlertContent(
        subject=_("%(company)s event: %(title)s") % {"company": _company_name(), "title": title},
        summary=_("%(event)s. Details and the webcast link are on the event page.") % {"event": dated},
        url=absolute(event.get_absolute_url()),
        title=dated,
    )


def event_replay_alert(item_id: int) -> AlertContent | None:
    public = _public_event(item_id)
    if public is None or not public[0].replay_visible(timezone.now()):
        return None
    event, title = public
    until = _event_time(event, event.replay_expires_at)
    return AlertContent(
        subject=_("%(company)s webcast replay: %(title)s") % {"company": _company_name(), "title": title},
        summary=_("The replay of %(title)s is available until %(until)s.") % {"title": title, "until": until},
        url=absolute(event.get_absolute_url()),
    )


def package_alert(item_id: int) -> AlertContent | None:
    """One mail for the items of a package that went public together, to a subscriber of any of their audiences."""
    from packages.models import Package
    from packages.workflow import members_of

    now = timezone.now()
    package = Package.objects.filter(pk=item_id).first()
    if package is None or package.public_revision(now) is None:
        return None
    parts = []
    for member in members_of(package):
        topic = topic_for(member.spec.kind, "publish")
        content = topic.build(member.item.pk) if topic is not None else None
        if content is not None:
            parts.append((topic.audience, content))
    if not parts:
        return None
    lead = parts[0][1]
    return AlertContent(
        subject=lead.subject,
        summary=ngettext("Published together: %(count)d item.", "Published together: %(count)d items.", len(parts))
        % {"count": len(parts)},
        url=lead.url,
        title=lead.title,
        items=tuple(AlertItem(content.title, content.url) for _audience, content in parts),
        audiences=tuple(dict.fromkeys(audience for audience, _content in parts)),
    )


register(Topic("release", "publish", Audience.NEWS, release_alert))
register(Topic("event", "publish", Audience.EVENTS, event_alert))
register(Topic("event", "replay_publish", Audience.EVENTS, event_replay_alert))
register(Topic("document", "publish", Audience.REPORTS, document_alert))
register(Topic("package", "publish", Audience.NEWS, package_alert))
