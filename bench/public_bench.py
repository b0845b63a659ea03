"""The public pages: query counts, uncached render times, cached throughput, and a publication under load.

Run with ``make bench-public`` (not part of ``make test``). DATABASE_URL names
the PostgreSQL server; the bench drops and recreates its own database on it,
``irportal_bench_public`` (``BENCH_PUBLIC_DATABASE`` to change it). REDIS_URL names
the Redis server; the bench uses database 13 on it (``BENCH_REDIS_DB``) for
the cache and the Celery broker, and empties it first.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/irportal REDIS_URL=redis://127.0.0.1:6379/0 make bench-public

1. Migrate and collect static files into a temporary directory.
2. For each of ``SIZES`` in turn (10,000 releases, then 100,000, with events, documents, filings and prices
   to match; bulk inserts of published rows with valid revisions, not the per-item workflow): load it, run
   the sweeps, analyse the tables as autovacuum would, count each page's SQL queries with an empty cache
   and cached, in-process with Django's test client, and time each page rendered on a miss of the public
   cache (its copy dropped before each request, the generation's reading kept, as for every miss but the first
   of a generation) in a new process that loaded the app but not the data, as a web worker: a warm-up, then
   the median of ``RENDERS['runs']`` taken in rounds over all the pages. The pages are ``PAGES``, one list.
3. ``--pages`` stops here.
4. Start gunicorn (2 workers, DEBUG off, Redis cache) and one Celery worker,
   and run wrk on each page from the cache and on one static file served by
   whitenoise through the same server.
5. A publication under load: an approved release whose embargo is a few
   seconds away; wrk requests ``/investors/`` and ``/investors/news/`` in turn
   for ten seconds around the embargo (``bench/publication.lua`` records each
   response's second, status and whether it shows the release), and the sweep
   runs a second after the embargo, as beat would. Every render into the
   cache is logged (``PUBLIC_CACHE_LOG_RENDERS``) and counted per page,
   generation and scheduled change.
6. With nginx installed: ``/investors/`` through nginx's proxy cache
   (deploy/nginx/irportal.conf) against nginx sending a static file of the
   same size, each request a new connection.

Prints each figure with PASS or FAIL against its target and exits non-zero
when one fails.
"""

import argparse
import datetime as dt
import functools
import gc
import json
import os
import re
import shutil
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = os.environ.get("BENCH_PUBLIC_DATABASE", "irportal_bench_public")
COMPANY = {"legal_name": "Halvorsen Instruments, Inc.", "short_name": "Halvorsen", "ticker": "HLVI"}
# The two sizes the bench loads in turn, counting and timing every page at each: the query counts must be the
# same at both. Releases come one every 53 minutes going back (10,000 fill the last year, 100,000 the last ten),
# events one a week going back after a dozen ahead, documents ten a fiscal year, filings 2,000 a year, and
# ten years of daily prices at both sizes.
# People, committees and governance documents: twenty people serve at both sizes, the rest have left (the larger
# size a long history of them); the governance pages' queries must not grow with them.
SIZES = [
    {"releases": 10_000, "events": 1_000, "documents": 200, "filings": 2_000, "contacts": 100, "price_years": 10}
    | {"people": 30, "committees": 4, "governance_documents": 8},
    {"releases": 100_000, "events": 10_000, "documents": 2_000, "filings": 20_000, "contacts": 100, "price_years": 10}
    | {"people": 300, "committees": 8, "governance_documents": 80},
]
RELEASE_PACE = dt.timedelta(days=3650) / 100_000
EVENTS_AHEAD = 12
FILINGS_PER_YEAR = 2_000
BENCH_CIK = "0001990217"
QUIET = ["--log-level", "warning"]
WRK = {"duration": 10, "threads": 2, "connections": 32}
WRK_PAGES = ("investors", "news", "release", "rss")
RENDERS = {"warm_up": 3, "runs": 21, "rounds": 3, "first_of_generation": 5}
# The embargo comes `lead` seconds after the release is approved, in the middle of wrk's run; the sweep
# runs `sweep_after` seconds after it.
PUBLICATION = {
    "paths": ("/investors/", "/investors/news/"),
    "headline": "Halvorsen Instruments Names a New Chief Executive Officer",
    "lead": 8,
    "sweep_after": 1,
}
TARGETS = {
    "cached_share_of_static": 0.5,
    "cached_p99_ms": 25.0,
    "uncached_queries": 10,
    "render_ms": 15.0,
    "renders_per_generation": 1,
    "publication_p99_ms": 50.0,
    "missing_after_embargo": 0,
    "proxy_share_of_static": 0.5,
}


# -- environment ------------------------------------------------------------------------------


def bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("make bench needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/name")
    return urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DB}"))


def bench_redis_url() -> str:
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    database = os.environ.get("BENCH_REDIS_DB", "13")
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DB)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DB)))


def bench_environment(database_url: str, redis_url: str, var_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "irportal.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": "irportal-bench",
        "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "STATIC_MANIFEST": "true",
        "EMAIL_URL": "locmem://",
        "IRPORTAL_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
        "PUBLIC_CACHE": "on",
    }


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


# -- data -------------------------------------------------------------------------------------


def seed(size: dict[str, int]) -> None:
    """Bring the bench database up to ``size``: published items with valid revisions, filings, prices."""
    seed_company_and_contacts(size["contacts"])
    seed_releases(size["releases"])
    seed_events(size["events"])
    seed_documents(size["documents"])
    seed_filings(size["filings"])
    seed_stock(size["price_years"])
    seed_documents(size["governance_documents"], kinds=GOVERNANCE_DOCUMENTS, prefix="bench-governance")
    seed_governance(size["people"], size["committees"])


def _bench_user():
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="bench", defaults={"email": "bench@example.test"})
    return user


def seed_company_and_contacts(count: int) -> None:
    from company.models import CompanyProfile
    from releases.models import Audience, MediaContact

    CompanyProfile(**COMPANY, cik=BENCH_CIK, disclosure_languages=["en", "fr"]).save()
    have = MediaContact.objects.count()
    MediaContact.objects.bulk_create(
        MediaContact(
            name=f"Contact {n:03d}",
            title="Investor Relations",
            phone="+1 480 555 0100",
            email=f"contact{n}@halvorsen.example",
            audience=Audience.INVESTORS if n % 2 else Audience.MEDIA,
            order=n,
        )
        for n in range(have, count)
    )


def _back(index: int, pace: dt.timedelta) -> dt.datetime:
    """The ``index``-th moment going back from now at ``pace``, newest for index 0."""
    from django.utils import timezone

    return timezone.now().replace(microsecond=0) - dt.timedelta(minutes=5) - pace * index


def _published(at: dt.datetime, user) -> dict:
    """The workflow columns of an item published at ``at`` (its revision 1 is linked afterwards)."""
    from irportal.workflow.models import State

    return {
        "status": State.PUBLISHED,
        "publish_at": at,
        "first_published_at": at,
        "last_published_at": at,
        "created_by": user,
        "last_edited_by": user,
        "version": 1,
    }


def _link_live_revisions(item_table: str, revision_table: str, fk: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {item_table} AS item SET live_revision_id = revision.id, approved_revision_id = revision.id "
            f"FROM {revision_table} AS revision WHERE revision.{fk} = item.id AND revision.number = 1 "
            "AND item.live_revision_id IS NULL"
        )


def seed_releases(total: int) -> None:
    from django.db import transaction

    from irportal.workflow import languages
    from releases.content import release_content
    from releases.models import MediaContact, Release, ReleaseRevision
    from releases.workflow import RELEASE

    have = Release.objects.count()
    if have >= total:
        return
    user = _bench_user()
    contacts = list(MediaContact.objects.order_by("order")[:3])
    with transaction.atomic():
        releases = []
        for n in range(have, total):
            at = _back(n, RELEASE_PACE)
            releases.append(
                Release(
                    slug=f"bench-release-{n:05d}",
                    headline=f"Halvorsen Instruments Announces Calibration Milestone Number {n}",
                    subheadline="Demand for precision instruments keeps growing",
                    highlights=["Revenue of $84.2 million", "Gross margin of 58.1%"],
                    dateline_city="Phoenix",
                    dateline_region="Ariz.",
                    release_date=at.date(),
                    distribution="BUSINESS WIRE",
                    body="<p>Halvorsen Instruments, Inc. (Nasdaq: HLVI) today announced results.</p>"
                    "<table><tr><th>Quarter</th><th>Revenue</th></tr><tr><td>Q3</td><td>84.2</td></tr></table>",
                    translations={
                        "fr": {
                            "headline": f"Halvorsen Instruments annonce le jalon d'étalonnage numéro {n}",
                            "subheadline": "La demande d'instruments de précision continue de croître",
                            "highlights": ["Chiffre d'affaires de 84,2 M$", "Marge brute de 58,1 %"],
                            "body": "<p>Halvorsen Instruments, Inc. (Nasdaq : HLVI) a annoncé ses résultats.</p>"
                            "<table><tr><th>Trimestre</th><th>Chiffre d'affaires</th></tr>"
                            "<tr><td>T3</td><td>84,2</td></tr></table>",
                        }
                    },
                    **_published(at, user),
                )
            )
        Release.objects.bulk_create(releases, batch_size=1000)
        template = release_content(Release.objects.order_by("pk").first())
        snapshots = [contact.snapshot() for contact in contacts]
        revisions = []
        fields = ("pk", "slug", "headline", "release_date", "translations")
        new = Release.objects.filter(live_revision__isnull=True).only(*fields)
        for release in new:
            content = {
                **template,
                "slug": release.slug,
                "headline": release.headline,
                "dateline": {**template["dateline"], "date": release.release_date.isoformat()},
                "contacts": snapshots,
                "translations": languages.snapshot(RELEASE, release.translations),
            }
            revisions.append(
                ReleaseRevision(
                    release=release,
                    number=1,
                    content=content,
                    content_hash=ReleaseRevision.hash_content(content),
                    created_by=user,
                    note="Bench data",
                )
            )
        ReleaseRevision.objects.bulk_create(revisions, batch_size=1000)
        _link_live_revisions(Release._meta.db_table, ReleaseRevision._meta.db_table, "release_id")


def seed_events(total: int) -> None:
    """Events as the events app stores them: a dozen ahead, then one a week going back, past ones with a replay."""
    from django.db import transaction
    from django.utils import timezone

    from events.content import event_content
    from events.models import Event, EventRevision
    from events.workflow import EVENT
    from irportal.workflow.engine import content_snapshot

    have = Event.objects.count()
    if have >= total:
        return
    user = _bench_user()
    now = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        events = []
        for n in range(have, total):
            weeks = n + 1 if n < EVENTS_AHEAD else EVENTS_AHEAD - n
            starts = now + dt.timedelta(weeks=weeks, hours=1)
            event = Event(
                slug=f"bench-event-{n:05d}",
                title=f"Halvorsen at the Precision Instruments Conference {n}",
                organizer="Example Securities",
                starts_at=starts,
                ends_at=starts + dt.timedelta(minutes=40),
                time_zone="America/New_York",
                location="New York",
                presenters=[{"name": "Dana Ferreira", "title": "Vice President, Investor Relations"}],
                translations={
                    "fr": {
                        "title": f"Halvorsen à la conférence sur les instruments de précision {n}",
                        "organizer": "Valeurs mobilières Exemple",
                        "location": "New York",
                        "presenters": [
                            {"name": "Dana Ferreira", "title": "Vice-présidente, relations avec les investisseurs"}
                        ],
                    }
                },
                webcast_url=f"https://webcast.example/halvorsen/{n}",
                replay_url=f"https://webcast.example/halvorsen/{n}/replay" if starts < now else "",
                **_published(min(now, starts) - dt.timedelta(days=30), user),
            )
            event.schedule_replay()
            events.append(event)
        Event.objects.bulk_create(events, batch_size=1000)
        revisions = []
        for event in Event.objects.filter(live_revision__isnull=True):
            revision = EventRevision(
                event=event,
                number=1,
                content=(content := content_snapshot(EVENT, event, event_content)),
                content_hash=EventRevision.hash_content(content),
                created_by=user,
                note="Bench data",
            )
            revision.columns_from_content()
            revisions.append(revision)
        EventRevision.objects.bulk_create(revisions, batch_size=1000)
        _link_live_revisions(Event._meta.db_table, EventRevision._meta.db_table, "event_id")


# Each fiscal year's documents, newest first: four quarters' results and slides, the annual report, the proxy.
FISCAL_YEAR_DOCUMENTS = [("quarterly_results", q) for q in (4, 3, 2, 1)] + [("presentation", q) for q in (4, 3, 2, 1)]
FISCAL_YEAR_DOCUMENTS += [("annual_report", None), ("proxy_statement", None)]


GOVERNANCE_DOCUMENTS = [(kind, None) for kind in ("charter", "code_of_conduct", "bylaws", "governance_policy")]


def seed_documents(total: int, kinds=FISCAL_YEAR_DOCUMENTS, prefix: str = "bench-document") -> None:
    """Ten documents a fiscal year (or ``kinds``), going back from the current one, each with its main PDF (a row,
    no file)."""
    import secrets

    from django.db import transaction
    from django.utils import timezone

    from irportal.workflow.engine import content_snapshot
    from reports.content import document_content
    from reports.models import Document, DocumentFile, DocumentRevision
    from reports.workflow import DOCUMENT

    have = Document.objects.filter(slug__startswith=prefix).count()
    if have >= total:
        return
    user = _bench_user()
    now = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        documents = []
        for n in range(have, total):
            kind, quarter = kinds[n % len(kinds)]
            year = now.year - n // len(kinds)
            documents.append(
                Document(
                    slug=f"{prefix}-{n:04d}",
                    kind=kind,
                    title=f"{Document.Kind(kind).label} {n}",
                    fiscal_year=year,
                    fiscal_quarter=quarter,
                    document_date=dt.date(year, 3 * (quarter or 4), 1) - dt.timedelta(days=1),
                    summary="Revenue of $84.2 million, up 12%.",
                    translations={
                        "fr": {"title": f"Document {n}", "summary": "Chiffre d'affaires de 84,2 M$, en hausse de 12 %."}
                    },
                    **_published(now - dt.timedelta(days=1), user),
                )
            )
        Document.objects.bulk_create(documents, batch_size=1000)
        new = list(Document.objects.filter(live_revision__isnull=True))
        DocumentFile.objects.bulk_create(
            DocumentFile(
                document=document,
                token=secrets.token_hex(16),
                role=DocumentFile.Role.MAIN,
                format=DocumentFile.Format.PDF,
                label=document.title,
                original_name=f"{document.slug}.pdf",
                file=f"documents/{document.slug}.pdf",
                size=480_000,
                sha256="0" * 64,
                pages=24,
                uploaded_by=user,
            )
            for document in new
        )
        revisions = []
        for document in new:
            revision = DocumentRevision(
                document=document,
                number=1,
                content=(content := content_snapshot(DOCUMENT, document, document_content)),
                content_hash=DocumentRevision.hash_content(content),
                created_by=user,
                note="Bench data",
            )
            revision.columns_from_content()
            revisions.append(revision)
        DocumentRevision.objects.bulk_create(revisions, batch_size=1000)
        _link_live_revisions(Document._meta.db_table, DocumentRevision._meta.db_table, "document_id")


def seed_governance(people: int, committees: int) -> None:
    """Committees and people (directors, officers, both; most of a long history has left), published rows."""
    from django.db import transaction
    from django.utils import timezone

    from governance.content import committee_content, person_content
    from governance.models import Committee, CommitteeRevision, Person, PersonRevision
    from governance.workflow import COMMITTEE, PERSON
    from irportal.workflow.engine import content_snapshot

    user = _bench_user()
    now = timezone.now().replace(microsecond=0) - dt.timedelta(days=1)
    with transaction.atomic():
        have = Committee.objects.count()
        Committee.objects.bulk_create(
            Committee(
                slug=f"committee-{n}",
                name=f"Committee {n}",
                translations={"fr": {"name": f"Comité {n}"}},
                order=n,
                **_published(now, user),
            )
            for n in range(have, committees)
        )
        new = list(Committee.objects.filter(live_revision__isnull=True))
        CommitteeRevision.objects.bulk_create(
            CommitteeRevision(
                committee=committee,
                number=1,
                content=(content := content_snapshot(COMMITTEE, committee, committee_content)),
                content_hash=CommitteeRevision.hash_content(content),
                created_by=user,
            )
            for committee in new
        )
        _link_live_revisions(Committee._meta.db_table, CommitteeRevision._meta.db_table, "committee_id")
        seats = list(Committee.objects.order_by("pk").values_list("pk", flat=True))
        have = Person.objects.count()
        rows = []
        for n in range(have, people):
            # The newest twenty serve (twelve directors, eight officers); everyone before them has left.
            serving = n >= people - 20
            rows.append(
                Person(
                    slug=f"person-{n}",
                    name=f"Person {n:03d}",
                    board_title="Director" if n % 5 < 3 else "",
                    management_title="" if n % 5 < 3 else "Vice President",
                    independent=n % 2 == 0,
                    memberships=[{"committee": pk, "chair": n % 7 == 0} for pk in seats[n % 3 :: 3]]
                    if n % 5 < 3
                    else [],
                    service_start=dt.date(2015, 1, 1),
                    service_end=None if serving else dt.date(2020, 1, 1),
                    biography="<p>Served on the boards of three listed companies.</p>",
                    translations={
                        "fr": {
                            "board_title": "Administrateur" if n % 5 < 3 else "",
                            "management_title": "" if n % 5 < 3 else "Vice-président",
                            "biography": "<p>A siégé au conseil de trois sociétés cotées.</p>",
                        }
                    },
                    order=n,
                    **_published(now, user),
                )
            )
        Person.objects.bulk_create(rows, batch_size=1000)
        revisions = []
        for person in Person.objects.filter(live_revision__isnull=True):
            content = content_snapshot(PERSON, person, person_content)
            revisions.append(
                PersonRevision(
                    person=person,
                    number=1,
                    content=content,
                    content_hash=PersonRevision.hash_content(content),
                    created_by=user,
                )
            )
        for revision in revisions:
            revision.save()  # each revision takes its columns from its content (``PersonRevision.save``)
        _link_live_revisions(Person._meta.db_table, PersonRevision._meta.db_table, "person_id")


# What the bench's filings are: mostly insiders' Form 4s, as on EDGAR, and every group of the filings page.
FILING_FORMS = ["4", "4", "4", "4", "8-K", "8-K", "10-Q", "SC 13G/A", "S-8", "424B2", "DEF 14A", "10-K"]


def seed_filings(total: int) -> None:
    """Filings of the company's CIK, ``FILINGS_PER_YEAR`` a year going back from today (rows; no EDGAR)."""
    from django.utils import timezone

    from filings.groups import form_group
    from filings.models import Filing

    have = Filing.objects.count()
    if have >= total:
        return
    today = timezone.localdate()
    pace = dt.timedelta(days=365) / FILINGS_PER_YEAR
    filings = []
    for n in range(have, total):
        form = FILING_FORMS[n % len(FILING_FORMS)]
        filed = today - pace * n
        filings.append(
            Filing(
                cik=BENCH_CIK,
                accession_number=f"0001990217-{filed.year % 100:02d}-{n:06d}",
                form=form,
                form_group=form_group(form),
                filing_date=filed,
                report_date=filed - dt.timedelta(days=30) if form in ("10-Q", "10-K") else None,
                description=f"Form {form} filed by Halvorsen Instruments, Inc.",
                primary_document=f"hlvi-{n:06d}.htm",
                size=48_000,
                is_xbrl=form in ("10-Q", "10-K"),
                is_inline_xbrl=form in ("10-Q", "10-K"),
                exhibits_checked_at=timezone.now(),
            )
        )
    Filing.objects.bulk_create(filings, batch_size=2000)


def seed_stock(years: int) -> None:
    """``years`` of daily prices (the demo's walk), a dividend a quarter, one split and three analysts."""
    from django.utils import timezone

    from stock.demo import DEMO_ANALYSTS, demo_bars
    from stock.models import AnalystCoverage, DailyPrice, Dividend, PriceSource, StockSplit

    if DailyPrice.objects.exists():
        return
    user = _bench_user()
    today = timezone.localdate()
    fields = ("day", "open", "high", "low", "close", "volume")
    DailyPrice.objects.bulk_create(
        (
            DailyPrice(**{name: getattr(bar, name) for name in fields}, source=PriceSource.END_OF_DAY, provider="bench")
            for bar in demo_bars(today, days=365 * years + years // 4)
        ),
        batch_size=2000,
    )
    public_from = timezone.now() - dt.timedelta(days=1)
    Dividend.objects.bulk_create(
        Dividend(
            declared_on=(ex := today - dt.timedelta(days=91 * quarter + 20)) - dt.timedelta(days=14),
            ex_dividend_on=ex,
            record_on=ex + dt.timedelta(days=1),
            payable_on=ex + dt.timedelta(days=15),
            amount="0.120000",
            public_from=public_from,
            updated_by=user,
        )
        for quarter in range(4 * years)
    )
    split = {"new_shares": 2, "old_shares": 1, "public_from": public_from, "updated_by": user}
    StockSplit.objects.create(effective_on=today - dt.timedelta(days=900), **split)
    AnalystCoverage.objects.bulk_create(
        AnalystCoverage(firm=firm, analyst=analyst, order=order, updated_by=user)
        for order, (firm, analyst) in enumerate(DEMO_ANALYSTS, start=1)
    )


# -- the pages ---------------------------------------------------------------------------------


def _newest_release() -> str:
    from django.utils import timezone

    from releases.models import Release

    return Release.objects.public_newest_first(timezone.now()).first().get_absolute_url()


def _next_event(suffix: str = "/") -> str:
    from django.utils import timezone

    from events.models import Event

    now = timezone.now()
    event = Event.objects.public(now).filter(starts_at__gt=now).order_by("starts_at").first()
    return f"/investors/events/{event.slug}{suffix}"


def _newest_document() -> str:
    from django.utils import timezone

    from reports.models import Document

    return Document.objects.public(timezone.now()).order_by("-fiscal_year", "pk").first().get_absolute_url()


def _this_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


def _last_sitemap_page(section: str) -> str:
    """The section's last page: the newest items (the first pages are as long, or shorter)."""
    from investors.sitemaps import SECTIONS

    return f"/sitemap-{section}.xml?p={SECTIONS[section]().paginator.num_pages}"


# Every public page the bench counts and times, in the order it reports them: a name and the address, or a
# function of the loaded data that gives one. A page added here is measured at both sizes, against the same
# targets as every other.
PAGES = [
    ("investors", "/investors/"),
    ("news", "/investors/news/"),
    ("news, this year", lambda: f"/investors/news/?year={_this_year()}"),
    ("release", _newest_release),
    ("rss", "/investors/news/feed/"),
    ("events", "/investors/events/"),
    ("events, last year p2", lambda: f"/investors/events/?year={_this_year() - 1}&page=2"),
    ("event", _next_event),
    ("event calendar", lambda: _next_event(".ics")),
    ("calendar", "/investors/events.ics"),
    ("financials", "/investors/financials/"),
    ("reports", "/investors/reports/"),
    ("presentations", "/investors/presentations/"),
    ("document", _newest_document),
    ("filings", "/investors/filings/"),
    ("filings, group+year", lambda: f"/investors/filings/?group=periodic&year={_this_year()}"),
    ("filings feed", "/investors/filings/feed/"),
    ("stock", "/investors/stock/"),
    ("stock, 10 years", "/investors/stock/?range=10y"),
    ("stock, a day", lambda: f"/investors/stock/?date={_this_year() - 1}-06-15"),
    ("dividends", "/investors/stock/dividends/"),
    ("analysts", "/investors/stock/analysts/"),
    ("board", "/investors/governance/"),
    ("committees", "/investors/governance/committees/"),
    ("management", "/investors/governance/management/"),
    ("governance documents", "/investors/governance/documents/"),
    ("alerts", "/investors/alerts/"),
    ("sitemap", "/sitemap.xml"),
    ("sitemap pages", "/sitemap-pages.xml"),
    ("sitemap news", lambda: _last_sitemap_page("news")),
    ("sitemap events", lambda: _last_sitemap_page("events")),
    ("sitemap documents", lambda: _last_sitemap_page("documents")),
    ("theme", "/investors/theme.css"),
    ("robots", "/robots.txt"),
]


def in_french(address):
    """The same page in French (``/fr/...``, the bench's company discloses in English and French)."""
    from django.urls import translate_url

    return lambda: translate_url(address() if callable(address) else address, "fr")


# Every page again in French, but the two addresses that serve every language (the sitemap index, robots.txt).
PAGES += [(f"{name}, fr", in_french(address)) for name, address in PAGES if name not in ("sitemap", "robots")]


def public_paths() -> dict[str, str]:
    """Every page of ``PAGES`` by name, its address read from the data now loaded.

    Read in the primary language: a request leaves its page's language active in the process, and a French one
    measured at the smaller size would otherwise make every address of the larger one French.
    """
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        return {name: address() if callable(address) else address for name, address in PAGES}


def analyze() -> None:
    """Planner statistics and the visibility map of the bulk-loaded tables, as autovacuum makes them on a live site."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def catch_up() -> None:
    """What beat's sweeps did long ago on a live site: the bulk-loaded events' replays published or expired."""
    from irportal.workflow.sweep import run_sweep

    while any(run_sweep().values()):
        pass


# -- measuring --------------------------------------------------------------------------------


def query_counts(paths: dict[str, str]) -> dict[str, tuple[int, int]]:
    """Each page's SQL queries with an empty cache, then served again (cached), in-process."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts = {}
    for name, path in paths.items():
        cache.clear()
        with CaptureQueriesContext(connection) as uncached:
            first = client.get(path)
        with CaptureQueriesContext(connection) as cached:
            client.get(path)
        if first.status_code != 200:
            sys.exit(f"{path} answered {first.status_code}; the bench needs every page to work")
        counts[name] = (len(uncached), len(cached))
    return counts


def page_copy_key(path: str) -> str | None:
    """The public cache's key of the page at ``path``, as the test client asks for it; None for a page the cache
    never keeps (the alerts sign-up, whose form sets a cookie)."""
    from django.conf import settings
    from django.test import RequestFactory
    from django.urls import resolve
    from django.utils import translation

    request = RequestFactory().get(path)
    with translation.override(translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE):
        policy = getattr(resolve(request.path_info).func, "public_page", None)
    return policy.key(request) if policy is not None else None


def render_times(paths: dict[str, str]) -> dict[str, tuple[float, float]]:
    """Each page rendered in-process on a miss: its copy dropped from the public cache before each request, so the
    request renders it and keeps the new copy, as after a change or when the copy has run out. The median of
    ``RENDERS["runs"]`` renders, in ms, taken in ``RENDERS["rounds"]`` rounds over all the pages (the machine's
    speed drifts; a slow moment then weighs on every page a little rather than on one page wholly); then the
    median of a few renders as the first page of a new generation (the whole cache emptied before each), which
    also reads the next scheduled change and the navigation's sections."""
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    drop = {name: functools.partial(cache.delete, page_copy_key(path) or "-") for name, path in paths.items()}
    for name, path in paths.items():
        for _ in range(RENDERS["warm_up"]):
            drop[name]()
            if client.get(path).status_code != 200:
                sys.exit(f"{path} does not answer 200 on a miss")
    # As a web worker does once the app is loaded (deploy/gunicorn.conf.py): what the process holds by now is
    # kept out of the collector's scans during the renders.
    gc.collect()
    gc.freeze()
    misses = {name: [] for name in paths}
    for _ in range(RENDERS["rounds"]):
        for name, path in paths.items():
            misses[name] += _samples(client, path, drop[name], RENDERS["runs"] // RENDERS["rounds"])
    return {
        name: (
            statistics.median(misses[name]),
            statistics.median(_samples(client, path, cache.clear, RENDERS["first_of_generation"])),
        )
        for name, path in paths.items()
    }


def render_times_in_worker(env: dict[str, str], paths: dict[str, str]) -> dict[str, tuple[float, float]]:
    """``render_times`` in a new process, as a web worker renders: one that loaded the app, not the data (the
    process that loaded 100,000 releases renders slower for what it holds)."""
    done = subprocess.run(
        [sys.executable, __file__, "--render-times"],
        input=json.dumps(paths),
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"timing the renders failed:\n{done.stdout}{done.stderr}")
    return {name: tuple(figures) for name, figures in json.loads(done.stdout).items()}


def _render_times_here() -> int:
    """The ``--render-times`` process: the pages by name as JSON on stdin, their figures as JSON on stdout."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    paths = json.load(sys.stdin)
    json.dump(render_times(paths), sys.stdout)
    return 0


def _samples(client, path: str, before, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        before()
        started = time.perf_counter()
        client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, log) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "irportal.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}", *QUIET],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    wait_until(lambda: _answers(f"http://127.0.0.1:{port}/healthz"), process, "gunicorn")
    return process


def start_celery_worker(env: dict[str, str], log) -> subprocess.Popen:
    """One worker process for the tasks the publication queues (re-rendering the public pages)."""
    from irportal.celery import app

    command = [sys.executable, "-m", "celery", "-A", "irportal", "worker", "--pool", "solo", "--purge"]
    process = subprocess.Popen(
        [*command, "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    wait_until(lambda: app.control.ping(timeout=0.5), process, "the Celery worker")
    return process


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback
            return True
    except OSError:
        return False


def wait_until(ready, process: subprocess.Popen, name: str) -> None:
    deadline = time.monotonic() + 30
    while not ready():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            sys.exit(f"{name} did not start; see its log")
        time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# The proxy bench's nginx has a throwaway self-signed certificate.
_UNVERIFIED = ssl.create_default_context()
_UNVERIFIED.check_hostname = False
_UNVERIFIED.verify_mode = ssl.CERT_NONE

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS_MS[unit]


def wrk_command(url: str, *extra: str, headers: tuple[str, ...] = ()) -> list[str]:
    options = ["--latency", "--timeout", "10s", "-t", str(WRK["threads"]), "-c", str(WRK["connections"])]
    sent = [option for header in headers for option in ("-H", header)]
    return ["wrk", *sent, *options, "-d", f"{WRK['duration']}s", *extra, url]


def wrk_figures(output: str) -> dict:
    """Requests per second, p50 and p99 in ms, and failed responses, from wrk's report."""
    percentile = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)$", output, re.M)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _milliseconds(percentile["50"]),
        "p99": _milliseconds(percentile["99"]),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1).strip() if socket_errors else "",
    }


def run_wrk(url: str, *headers: str) -> dict:
    """wrk for a fixed time on one URL, after warming the page (and its cache)."""
    for _ in range(3):
        urllib.request.urlopen(url, timeout=30, context=_UNVERIFIED).read()  # noqa: S310 - loopback
    command = wrk_command(url, headers=headers)
    return wrk_figures(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def schedule_release(embargo: dt.datetime):
    """An approved release whose embargo is ``embargo``: the sweep publishes it then (saving it invalidates)."""
    from irportal.workflow.models import State
    from releases.content import release_content
    from releases.models import Release, ReleaseRevision

    template = Release.objects.order_by("-publish_at").first()
    release = Release.objects.get(pk=template.pk)
    release.pk = None
    release.slug = f"bench-embargoed-{embargo:%Y%m%d%H%M%S}"
    release.headline = f"{PUBLICATION['headline']} ({embargo:%H:%M:%S})"  # unique, so no earlier run's release matches
    release.status = State.APPROVED
    release.publish_at = embargo
    release.first_published_at = release.last_published_at = None
    release.live_revision = release.approved_revision = None
    release.save()
    content = release_content(release)
    release.approved_revision = ReleaseRevision.objects.create(
        release=release,
        number=1,
        content=content,
        content_hash=ReleaseRevision.hash_content(content),
        created_by=release.created_by,
        note="Bench data",
    )
    release.save()
    return release


def publication_under_load(base_url: str) -> dict:
    """wrk on the Investor page and the archive for ten seconds around an embargo; the sweep a second after it."""
    from django.utils import timezone

    from irportal.workflow.sweep import run_sweep

    embargo = timezone.now().replace(microsecond=0) + dt.timedelta(seconds=PUBLICATION["lead"])
    release = schedule_release(embargo)
    for path in PUBLICATION["paths"]:
        urllib.request.urlopen(base_url + path, timeout=30).read()  # noqa: S310 - loopback
    half = WRK["duration"] / 2
    time.sleep(max(0.0, embargo.timestamp() - half - time.time()))
    script = ROOT / "bench" / "publication.lua"
    wrk_env = {
        **os.environ,
        "BENCH_EMBARGO": str(int(embargo.timestamp())),
        "BENCH_HEADLINE": release.headline,
        "BENCH_PATHS": " ".join(PUBLICATION["paths"]),
    }
    wrk = subprocess.Popen(wrk_command(base_url, "-s", str(script)), stdout=subprocess.PIPE, text=True, env=wrk_env)
    time.sleep(max(0.0, embargo.timestamp() + PUBLICATION["sweep_after"] - time.time()))
    published = run_sweep()["releases.publish"]
    output, _ = wrk.communicate()
    if wrk.returncode != 0 or release.pk not in published:
        sys.exit(f"the publication run failed (wrk exit {wrk.returncode}, swept {published}):\n{output}")
    pages = {
        path: {name: int(value) for name, value in re.findall(r"(\w+)=(\d+)", line)}
        for path, line in re.findall(r"^page (\S+) (.*)$", output, re.M)
    }
    return {"wrk": wrk_figures(output), "pages": pages, "embargo": embargo}


RENDER_LINE = re.compile(r"rendered path=(\S+) generation=(\S+) until=(\S+)")


def renders_per_generation(logs: dict[Path, int], paths) -> dict[str, Counter]:
    """From the render log lines after each log's offset: renders per page, generation and scheduled change."""
    counts = {path: Counter() for path in paths}
    for log, offset in logs.items():
        with log.open() as lines:
            lines.seek(offset)
            text = lines.read()
        for path, generation, until in RENDER_LINE.findall(text):
            if path in counts:
                counts[path][(generation, until)] += 1
    return counts


def load_test(env: dict[str, str], paths: dict[str, str], var_dir: Path) -> tuple[dict, dict, dict]:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {**env, "SITE_URL": base_url, "PUBLIC_CACHE_LOG_RENDERS": "on"}
    logs = [var_dir / "web.log", var_dir / "worker.log"]
    with logs[0].open("w") as web_log, logs[1].open("w") as worker_log:
        server = start_gunicorn(env, port, web_log)
        worker = start_celery_worker(env, worker_log)
        try:
            cached = {name: run_wrk(base_url + path) for name, path in paths.items()}
            # Only the renders of the publication run count: the logs are read from here on.
            offsets = {log: log.stat().st_size for log in logs}
            publication = publication_under_load(base_url)
        finally:
            stop(server)
            stop(worker)
    return cached, publication, renders_per_generation(offsets, PUBLICATION["paths"])


def proxy_test(env: dict[str, str], var_dir: Path) -> dict[str, dict] | None:
    """/investors/ from nginx's proxy cache against nginx sending a static file of the same size.

    nginx runs deploy/nginx/irportal.conf (deploy/localnginx.py) in front of gunicorn. Both URLs are
    asked with ``Connection: close``: every request is a new connection, as most visitors' first page is.
    Measured over plain HTTP (the site's server block with one more, plain, listener), where the cache's
    own cost shows, and over TLS as deployed, where the handshake dominates both.
    """
    sys.path.insert(0, str(ROOT))
    from deploy import localnginx

    if not localnginx.installed():
        print("nginx is not installed: no proxy figure (apt-get install nginx)")
        return None
    web_port, plain_port = free_port(), free_port()
    static_dir = var_dir / "proxy-static"
    static_dir.mkdir(exist_ok=True)
    layout = localnginx.Layout(var_dir / "nginx", free_port(), free_port(), f"127.0.0.1:{web_port}", static_dir)
    with (var_dir / "proxied-web.log").open("w") as log:
        server = start_gunicorn(env, web_port, log)
    nginx = localnginx.start(layout, workers=2, plain_port=plain_port)
    try:
        results = {}
        for scheme, port in (("http", plain_port), ("https", layout.https_port)):
            page = f"{scheme}://127.0.0.1:{port}/investors/"
            size = len(urllib.request.urlopen(page, timeout=30, context=_UNVERIFIED).read())  # noqa: S310 - loopback
            (static_dir / "same-size.html").write_bytes(b"x" * size)
            results[scheme] = {
                "size": size,
                "page": run_wrk(page, "Connection: close"),
                "static": run_wrk(f"{scheme}://127.0.0.1:{port}/static/same-size.html", "Connection: close"),
            }
        return results
    finally:
        localnginx.stop(nginx)
        stop(server)


# -- report ---------------------------------------------------------------------------------


def _check(label: str, ok: bool, detail: str) -> bool:
    print(f"{'PASS' if ok else 'FAIL'}  {label}: {detail}")
    return ok


def _size_label(size: dict) -> str:
    return f"{size['releases']:,}"


def report_queries(paths, counts) -> list[bool]:
    """``counts``: for each size, each page's (uncached, cached) queries."""
    (small_size, small), (large_size, large) = counts
    print("\nSQL queries per page, in-process (uncached: empty cache; cached: the same request again):")
    sizes = f"{'@' + _size_label(small_size):>9} {'@' + _size_label(large_size):>9}"
    header = f"{'page':<22} {'path':<52} {sizes} {'cached':>7}"
    print(header)
    print("-" * len(header))
    for name, path in paths.items():
        print(f"{name:<22} {path[:52]:<52} {small[name][0]:>9} {large[name][0]:>9} {large[name][1]:>7}")
    print()
    return [
        _check("/investors/ cached: 0 queries", large["investors"][1] == 0, f"{large['investors'][1]}"),
        _check(
            f"every page uncached: <= {TARGETS['uncached_queries']} queries, the same at {_size_label(small_size)} "
            f"and {_size_label(large_size)} releases",
            all(large[name][0] <= TARGETS["uncached_queries"] and small[name][0] == large[name][0] for name in paths),
            ", ".join(f"{name} {small[name][0]}/{large[name][0]}" for name in paths),
        ),
    ]


def report_cached(paths, cached) -> list[bool]:
    static = cached["static file"]["rps"]
    print(
        f"\nwrk from the cache: {WRK['duration']} s per URL, {WRK['threads']} threads, {WRK['connections']} "
        f"connections, gunicorn 2 workers, {SIZES[-1]['releases']:,} releases"
    )
    header = f"{'page':<14} {'path':<46} {'rps':>8} {'p50 ms':>7} {'p99 ms':>7} {'/static':>7}"
    print(header)
    print("-" * len(header))
    for name, path in paths.items():
        row = cached[name]
        print(
            f"{name:<14} {path[:46]:<46} {row['rps']:>8.0f} {row['p50']:>7.2f} {row['p99']:>7.2f} "
            f"{row['rps'] / static:>7.2f}"
        )
        if row["errors"] or row["socket_errors"]:
            print(f"  ! {name}: non-2xx/3xx {row['errors']}, socket errors: {row['socket_errors'] or 'none'}")
    print()
    home = cached["investors"]
    return [
        _check(
            f"/investors/ cached >= {TARGETS['cached_share_of_static']:.0%} of the static file's rps",
            home["rps"] >= TARGETS["cached_share_of_static"] * static,
            f"{home['rps']:.0f} vs {static:.0f} ({home['rps'] / static:.0%})",
        ),
        _check(
            f"/investors/ cached p99 <= {TARGETS['cached_p99_ms']:.0f} ms",
            home["p99"] <= TARGETS["cached_p99_ms"],
            f"{home['p99']:.2f} ms",
        ),
    ]


def report_renders(paths, times) -> list[bool]:
    """``times``: for each size, each page's median render in ms on a miss, and as the first of a generation."""
    print(
        f"\nrendered on a miss in a new process (median of {RENDERS['runs']} in {RENDERS['rounds']} rounds, after "
        f"{RENDERS['warm_up']} warm-up runs) and, in brackets, as the first page of a generation (median of "
        f"{RENDERS['first_of_generation']}), ms:"
    )
    header = f"{'page':<22} {'path':<52} " + " ".join(f"{'@' + _size_label(size):>17}" for size, _ in times)
    print(header)
    print("-" * len(header))
    for name, path in paths.items():
        figures = " ".join(f"{measured[name][0]:>9.1f} ({measured[name][1]:>5.1f})" for _, measured in times)
        print(f"{name:<22} {path[:52]:<52} {figures}")
    print()
    return [
        _check(
            f"{name} ({paths[name]}) renders in <= {TARGETS['render_ms']:.0f} ms at every size",
            all(measured[name][0] <= TARGETS["render_ms"] for _, measured in times),
            " / ".join(f"{measured[name][0]:.1f} ms" for _, measured in times),
        )
        for name in paths
    ]


def report_publication(publication, renders) -> list[bool]:
    figures, pages = publication["wrk"], publication["pages"]
    print(
        f"\npublication under load: wrk on {' and '.join(PUBLICATION['paths'])} in turn, {WRK['connections']} "
        f"connections, {WRK['duration']} s around the embargo ({publication['embargo']:%H:%M:%S} UTC); the sweep "
        f"{PUBLICATION['sweep_after']} s after it"
    )
    print(f"  {figures['rps']:.0f} requests/s, p50 {figures['p50']:.2f} ms, p99 {figures['p99']:.2f} ms")
    for path, counts in pages.items():
        print(
            f"  {path:<18} {counts['responses']:>6} responses, {counts['failed']} not 200, {counts['early']} "
            f"showing the release before its embargo, {counts['after']} after the embargo second, "
            f"{counts['missing']} of them without the release"
        )
    print("  renders per page, generation and scheduled change (until: the copy's end, - for none):")
    for path, counts in renders.items():
        for (generation, until), count in counts.items():
            print(f"  {path:<18} generation {generation[:8]}  until {until:<26} {count} render(s)")
    most = max((count for counts in renders.values() for count in counts.values()), default=0)
    missing = sum(counts["missing"] + counts["early"] + counts["failed"] for counts in pages.values())
    print()
    return [
        _check(
            f"renders per page per generation = {TARGETS['renders_per_generation']}",
            all(renders.values()) and most == TARGETS["renders_per_generation"],
            f"at most {most}",
        ),
        _check(
            f"p99 over the {WRK['duration']} s around the embargo <= {TARGETS['publication_p99_ms']:.0f} ms",
            figures["p99"] <= TARGETS["publication_p99_ms"],
            f"{figures['p99']:.2f} ms",
        ),
        _check(
            "responses after the embargo second without the release (or failed, or showing it early) = "
            f"{TARGETS['missing_after_embargo']}",
            missing == TARGETS["missing_after_embargo"] and all(counts["after"] for counts in pages.values()),
            str(missing),
        ),
    ]


def report_proxy(proxied) -> list[bool]:
    if proxied is None:
        return []
    print("\nnginx (deploy/nginx/irportal.conf, 2 workers) in front of gunicorn; wrk -H 'Connection: close'")
    for scheme, figures in proxied.items():
        page, static_file = figures["page"], figures["static"]
        print(
            f"  {scheme:<5} /investors/ from the proxy cache {page['rps']:>7.0f} rps (p99 {page['p99']:.2f} ms), "
            f"static file of the same {figures['size']:,} bytes {static_file['rps']:>7.0f} rps "
            f"(p99 {static_file['p99']:.2f} ms): ratio {page['rps'] / static_file['rps']:.2f}"
        )
    plain = proxied["http"]
    share = plain["page"]["rps"] / plain["static"]["rps"]
    print()
    return [
        _check(
            f"/investors/ through the nginx proxy cache >= {TARGETS['proxy_share_of_static']:.0%} of nginx's "
            "static file of the same size (Connection: close, plain HTTP)",
            share >= TARGETS["proxy_share_of_static"],
            f"{plain['page']['rps']:.0f} vs {plain['static']['rps']:.0f} ({share:.0%})",
        )
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (static files, logs)")
    parser.add_argument("--pages", action="store_true", help="only the query counts and renders (no wrk, no nginx)")
    parser.add_argument(
        "--render-times", action="store_true", help="(used by the bench itself) time the pages named on stdin"
    )
    options = parser.parse_args()
    if options.render_times:
        return _render_times_here()
    if not options.pages and shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk (make bench does this)")

    database_url, redis_url = bench_database_url(), bench_redis_url()
    var_dir = Path(tempfile.mkdtemp(prefix="irportal-bench-"))
    env = bench_environment(database_url, redis_url, var_dir)
    started = time.monotonic()
    print(f"bench database {BENCH_DB} (recreated), Redis {redis_url}, files in {var_dir}")
    recreate_database(database_url)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")

    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.staticfiles.storage import staticfiles_storage

    counts, times = [], []
    for size in SIZES:
        seed(size)
        catch_up()
        analyze()
        print(f"loaded {_size_label(size)} releases and the rest of the size, {time.monotonic() - started:.0f} s")
        paths = public_paths()
        counts.append((size, query_counts(paths)))
        times.append((size, render_times_in_worker(env, paths)))
    results = [*report_queries(paths, counts), *report_renders(paths, times)]
    if not options.pages:
        # The static file first, right before /investors/: the machine's load changes less between the two.
        loaded = {"static file": staticfiles_storage.url("css/site.css")} | {name: paths[name] for name in WRK_PAGES}
        cached, publication, renders = load_test(env, loaded, var_dir)
        proxied = proxy_test(env, var_dir)
        results += [*report_cached(loaded, cached), *report_publication(publication, renders), *report_proxy(proxied)]
    print(f"\nbench took {time.monotonic() - started:.0f} s")
    if not options.keep:
        shutil.rmtree(var_dir, ignore_errors=True)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
