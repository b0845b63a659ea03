"""Public event pages: the events page's summaries and years, and every page's replay line, written in one Python
pass.

The markup is what the templates wrote (each value escaped as they escaped it: every value is plain text, which
``html.escape`` escapes as Django's templates do); the page's words are translated once per list, not once per
event.
"""

from html import escape as esc

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from events.content import event_address

register = template.Library()


@register.simple_tag
def event_replay(doc, slides=None):
    """The replay's line: its link (and the event's slides) while it is available, or when it expired, or when
    it will be available once the event is over; a blank line otherwise."""
    return mark_safe(_replay(doc, slides or (), _replay_words()))  # noqa: S308 - every value is escaped


@register.simple_tag
def event_summaries(documents):
    """An ``<article>`` per event: its title and link, conference and place, time, presenters, the live
    webcast's links while it is ahead, and the replay's line."""
    words = {
        "cancelled": esc(gettext("Cancelled")),
        "live_now": esc(gettext("Live webcast (now)")),
        "live": esc(gettext("Live webcast")),
        "add": esc(gettext("Add to calendar")),
        "presenters": gettext("%(label)s: %(names)s"),
        "replay": _replay_words(),
    }
    addresses = {"page": event_address("events:detail"), "ics": event_address("events:ics")}
    return mark_safe("".join(_summary(doc, words, addresses) for doc in documents))  # noqa: S308 - every value is escaped


@register.simple_tag
def upcoming_event_lines(documents):
    """A paragraph per upcoming event of the Investor page: its title and link, its conference, its time, and the
    live webcast's link while it is ahead."""
    live = esc(gettext("Live webcast"))
    address = event_address("events:detail")
    lines = []
    for doc in documents:
        conference = f", {esc(doc.conference)}" if doc.conference else ""
        webcast = f' &middot; <a href="{esc(doc.webcast_url)}" rel="noopener">{live}</a>' if doc.show_webcast else ""
        lines.append(
            f'\n    <p class="mb-2"><a href="{esc(address(doc.event.slug))}">{esc(doc.title)}</a>{conference} &middot; '
            f"{esc(doc.when)}{webcast}</p>\n  "
        )
    return mark_safe("".join(lines))  # noqa: S308 - every value is escaped


@register.simple_tag
def event_years(years, shown):
    """A link per year with past events, newest first, the year ``shown`` marked as the current one."""
    links = []
    for year in years:
        text = str(year)
        active, current = (" active", ' aria-current="page"') if year == shown else ("", "")
        links.append(f'<li class="nav-item"><a class="nav-link{active}" href="?year={text}"{current}>{text}</a></li>')
    return mark_safe("".join(links))  # noqa: S308 - every value is escaped


def _summary(doc, words: dict, addresses: dict) -> str:
    title, conference, location = esc(doc.title), esc(doc.conference), esc(doc.location)
    cancelled = doc.cancelled
    badge = f' <span class="badge text-bg-secondary">{words["cancelled"]}</span>' if cancelled else ""
    html = [
        f'<article class="ir-event border-bottom py-3" data-testid="event-{esc(doc.event.slug)}">\n'
        f'  <h3 class="h5 mb-1"><a href="{esc(addresses["page"](doc.event.slug))}">{title}</a>{badge}</h3>\n  '
    ]
    if conference:
        html.append(f'<p class="mb-1">{conference}{f" &middot; {location}" if location else ""}</p>')
    elif location:
        html.append(f'<p class="mb-1">{location}</p>')
    html.append(f'\n  <p class="mb-1"><time datetime="{esc(doc.content["starts_at"])}">{esc(doc.when)}</time></p>\n  ')
    if presenters := doc.presenter_line:
        line = words["presenters"] % {"label": esc(doc.presenter_label), "names": esc(presenters)}
        html.append(f'<p class="mb-1 small">{line}</p>')
    html.append("\n  ")
    if doc.show_webcast:
        live = words["live_now"] if doc.is_live_now else words["live"]
        html.append(
            f'\n    <p class="mb-1"><a href="{esc(doc.webcast_url)}" rel="noopener">{live}</a> &middot; '
            f'<a href="{esc(addresses["ics"](doc.event.slug))}">{words["add"]}</a></p>\n  '
        )
    html.append("\n  ")
    if not cancelled:
        html.append(_replay(doc, (), words["replay"]) + "\n")
    html.append("\n</article>\n")
    return "".join(html)


def _replay_words() -> dict:
    # Translated outside the f-strings, where makemessages finds them.
    return {
        "until": gettext("Replay available until %(until)s"),
        "slides": esc(gettext("Slides (PDF)")),
        "replay": esc(gettext("Webcast replay")),
        "expired": gettext("Replay expired on %(date)s"),
        "pending": gettext("A replay will be available here from %(start)s."),
    }


def _replay(doc, slides, words: dict) -> str:
    replay = doc.replay
    if replay.state == "available":
        until = words["until"] % {"until": esc(replay.until)}
        links = "".join(
            f' &middot; <a href="{esc(slide.main.url if slide.main else "")}" download>{words["slides"]}</a>'
            for slide in slides
        )
        line = (
            f'<p class="ir-replay mb-1" data-testid="replay"><a href="{esc(replay.url)}" '
            f'rel="noopener">{words["replay"]}</a> <span class="text-body-secondary">{until}</span>'
            f"{links}</p>"
        )
    elif replay.state == "expired":
        text = words["expired"] % {"date": esc(replay.expired_on)}
        line = f'<p class="ir-replay mb-1 text-body-secondary" data-testid="replay-expired">{text}</p>'
    elif replay.state == "pending" and not doc.is_upcoming:
        text = words["pending"] % {"start": esc(replay.available_from)}
        line = f'<p class="ir-replay mb-1 text-body-secondary" data-testid="replay-pending">{text}</p>'
    else:
        return "\n\n"
    return f"\n\n  {line}\n\n"
