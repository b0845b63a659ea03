"""Demo releases for the fictional Halvorsen Instruments, Inc., one in every workflow state."""

import datetime as dt

from irportal.workflow.models import State
from releases import services, workflow
from releases.checks import CODES as EVERY_WARNING
from releases.models import Boilerplate, MediaContact, Release

ABOUT = (
    "<p>Halvorsen Instruments, Inc. (Nasdaq: HLVI) designs and builds precision calibration and measurement "
    "systems for semiconductor fabs, aerospace suppliers and national metrology laboratories. Founded in "
    "Tempe, Arizona, the company serves customers in more than 30 countries. Learn more at "
    '<a href="https://www.halvorsen-instruments.example">halvorsen-instruments.example</a>.</p>'
)
SAFE_HARBOR = (
    "<p>This release contains forward-looking statements within the meaning of the Private Securities "
    "Litigation Reform Act of 1995, including statements about expected revenue, product timing and demand. "
    "Words such as “expects”, “plans” and “will” identify them. They rest on current assumptions and are "
    "subject to risks that could make actual results differ materially, including supply-chain disruption, "
    "customer concentration and currency movements, as described in the company's most recent annual report. "
    "Halvorsen undertakes no duty to update them.</p>"
)

RESULTS_TABLE = (
    "<table><thead><tr><th>(in millions, except per share)</th><th>Q3 2026</th><th>Q3 2025</th><th>Change</th></tr>"
    "</thead><tbody><tr><td>Revenue</td><td>$84.2</td><td>$75.1</td><td>12%</td></tr>"
    "<tr><td>Gross margin</td><td>58.1%</td><td>55.4%</td><td>2.7 pts</td></tr>"
    "<tr><td>Diluted EPS</td><td>$0.61</td><td>$0.48</td><td>27%</td></tr></tbody></table>"
)

RELEASES = [
    {
        "state": State.PUBLISHED,
        "days_ago": 30,
        "slug": "halvorsen-reports-third-quarter-2026-results",
        "headline": "Halvorsen Instruments Reports Third Quarter 2026 Results",
        "subheadline": "Revenue up 12% year over year; raises full-year outlook",
        "highlights": ["Revenue of $84.2 million, up 12%", "Gross margin of 58.1%", "Full-year revenue outlook raised"],
        "body": "<p>Halvorsen Instruments, Inc. (Nasdaq: HLVI) today reported results for its third quarter ended "
        "Sept. 30, 2026. Demand for wafer-level calibration systems drove record bookings.</p>" + RESULTS_TABLE,
    },
    {
        "state": State.PUBLISHED,
        "days_ago": 12,
        "slug": "halvorsen-announces-webcast-of-investor-conference-presentations",
        "headline": "Halvorsen Instruments Announces Webcast of Presentations at Upcoming Investor Conferences",
        "subheadline": "",
        "highlights": [],
        "body": "<p>Halvorsen Instruments, Inc. (Nasdaq: HLVI) today announced that management will present at the "
        "following investor conferences:</p><ul>"
        "<li>Northridge Technology Conference, 9:00 am MST/11:00 am EST, Tuesday, Dec. 8, 2026, in New York. "
        "President and CEO Elin Halvorsen will present.</li>"
        "<li>Desert Growth Summit, 1:30 pm MST/3:30 pm EST, Wednesday, Jan. 13, 2027, in Scottsdale, Ariz. "
        "Chief Financial Officer Marcus Reyes will present.</li></ul>"
        "<p>A live webcast of each presentation will be available on the Investor Information page at "
        "halvorsen-instruments.example/investors, and a replay will remain available for seven days after "
        "each event.</p>",
    },
    {
        "state": State.WITHDRAWN,
        "days_ago": 20,
        "slug": "halvorsen-names-new-director",
        "headline": "Halvorsen Instruments Names New Director",
        "subheadline": "",
        "highlights": [],
        "body": "<p>Halvorsen Instruments, Inc. (Nasdaq: HLVI) today named a new independent director.</p>",
    },
    {
        "state": State.APPROVED,
        "days_ago": -3,
        "slug": "halvorsen-opens-calibration-center-in-dresden",
        "headline": "Halvorsen Instruments Opens Calibration Center in Dresden",
        "subheadline": "Second European site shortens service times for fab customers",
        "highlights": [],
        "body": "<p>Halvorsen Instruments, Inc. (Nasdaq: HLVI) today opened a calibration and service center in "
        "Dresden, Germany.</p>",
    },
    {
        "state": State.IN_REVIEW,
        "days_ago": None,
        "slug": "halvorsen-declares-first-quarterly-dividend",
        "headline": "Halvorsen Instruments Declares First Quarterly Dividend",
        "subheadline": "",
        "highlights": ["$0.08 per share, payable Jan. 29, 2027"],
        "body": "<p>Halvorsen Instruments, Inc. (Nasdaq: HLVI) today declared its first quarterly cash dividend "
        "of $0.08 per share.</p>",
    },
    {
        "state": State.DRAFT,
        "days_ago": None,
        "slug": "halvorsen-fourth-quarter-2026-results",
        "headline": "Halvorsen Instruments Reports Fourth Quarter and Full Year 2026 Results",
        "subheadline": "",
        "highlights": [],
        "body": "<p>Halvorsen Instruments, Inc. (Nasdaq: HLVI) today reported results for the fourth quarter.</p>",
    },
]


def _boilerplate(author, name, kind, title, text):
    existing = Boilerplate.objects.filter(name=name).first()
    if existing is not None and existing.latest is not None:
        return existing.latest
    version = services.boilerplate_save(
        actor=author, pk=None, name=name, kind=kind, title=title, text=text, is_default=True
    )
    Boilerplate.objects.filter(pk=version.boilerplate_id).update(is_demo=True)
    return version


def seed_demo_releases(*, author, approver, now: dt.datetime) -> None:
    """Adds what is missing; run again, it leaves existing releases as they are."""
    about = _boilerplate(author, "About Halvorsen Instruments", "about", "About Halvorsen Instruments", ABOUT)
    harbor = _boilerplate(
        author, "Forward-looking statements", "safe_harbor", "Forward-Looking Statements", SAFE_HARBOR
    )
    contacts = list(MediaContact.objects.filter(is_active=True))
    for spec in RELEASES:
        if Release.objects.filter(slug=spec["slug"]).exists():
            continue
        when = now - dt.timedelta(days=spec["days_ago"] or 0)
        release = services.release_create(
            actor=author,
            contacts=contacts,
            slug=spec["slug"],
            headline=spec["headline"],
            subheadline=spec["subheadline"],
            highlights=spec["highlights"],
            dateline_city="Tempe",
            dateline_region="Ariz.",
            release_date=when.date(),
            distribution="BUSINESS WIRE",
            body=spec["body"],
            about=about,
            safe_harbor=harbor,
        )
        Release.objects.filter(pk=release.pk).update(is_demo=True)
        _advance(release, spec["state"], author=author, approver=approver, publish_at=when)


def _advance(release, state, *, author, approver, publish_at):
    if state == State.DRAFT:
        return
    workflow.release_submit(release_id=release.pk, actor=author)
    if state == State.IN_REVIEW:
        return
    workflow.release_approve(acknowledged=EVERY_WARNING, release_id=release.pk, actor=approver, publish_at=publish_at)
    if state == State.APPROVED:
        return
    workflow.releases_publish_due(publish_at)
    if state == State.WITHDRAWN:
        workflow.release_withdraw(
            release_id=release.pk, actor=approver, reason="Issued with an incorrect effective date."
        )
