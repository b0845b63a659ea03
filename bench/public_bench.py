"""The public pages under load: gunicorn (2 workers) on PostgreSQL and Redis, driven by wrk.

Run with ``make bench`` (not part of ``make test``). DATABASE_URL names the
PostgreSQL server; the bench drops and recreates its own database on it,
``irportal_bench_public``. REDIS_URL names the Redis server; the bench uses
database 13 on it (``BENCH_REDIS_DB``) and empties it first.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/irportal REDIS_URL=redis://127.0.0.1:6379/0 make bench

Steps: migrate and collectstatic into a temporary directory; load 10
releases (and 10 events when the events app is installed) and count each
page's SQL queries uncached and cached, in-process with Django's test client;
scale up to 10,000 releases, 1,000 events and 100 contacts (bulk inserts of
published rows with valid revisions, not the per-item workflow) and count
again; start gunicorn with DEBUG off and the Redis cache, and run wrk for a
fixed time on each page and on one static file served by whitenoise; then
again with the public page cache switched off (``PUBLIC_CACHE=off``) for the
uncached figures. The tables are analysed after loading, as autovacuum would
have done on a live site. Prints one table and PASS/FAIL for each target.
"""

import argparse
import datetime as dt
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = os.environ.get("BENCH_PUBLIC_DATABASE", "irportal_bench_public")
COMPANY = {"legal_name": "Halvorsen Instruments, Inc.", "short_name": "Halvorsen", "ticker": "HLVI"}
SCALE = {"releases": 10_000, "events": 1_000, "contacts": 100}
SMALL = {"releases": 10, "events": 10, "contacts": 100}
QUIET = ["--log-level", "warning"]
WRK = {"duration": 10, "threads": 2, "connections": 32}
TARGETS = {
    "cached_share_of_static": 0.5,
    "cached_p99_ms": 25.0,
    "uncached_rps": 400.0,
    "uncached_queries": 10,
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


def seed(scale: dict[str, int]) -> None:
    """Bring the bench database up to ``scale``: published releases and events with valid revisions."""
    from django.apps import apps

    seed_company_and_contacts(scale["contacts"])
    seed_releases(scale["releases"])
    if apps.is_installed("events"):
        seed_events(scale["events"])


def _bench_user():
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="bench", defaults={"email": "bench@example.test"})
    return user


def seed_company_and_contacts(count: int) -> None:
    from company.models import CompanyProfile
    from releases.models import Audience, MediaContact

    CompanyProfile(**COMPANY).save()
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


def _spread(index: int, total: int, *, span_days: int) -> dt.datetime:
    """A moment in the past, newest for index 0, spread evenly over ``span_days``."""
    from django.utils import timezone

    step = dt.timedelta(days=span_days) / max(total, 1)
    return timezone.now().replace(microsecond=0) - dt.timedelta(minutes=5) - step * index


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

    from irportal.workflow.models import State
    from releases.content import release_content
    from releases.models import MediaContact, Release, ReleaseRevision

    have = Release.objects.count()
    if have >= total:
        return
    user = _bench_user()
    contacts = list(MediaContact.objects.order_by("order")[:3])
    with transaction.atomic():
        releases = []
        for n in range(have, total):
            at = _spread(n, SCALE["releases"], span_days=3650)
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
                    status=State.PUBLISHED,
                    publish_at=at,
                    first_published_at=at,
                    last_published_at=at,
                    created_by=user,
                    last_edited_by=user,
                    version=1,
                )
            )
        Release.objects.bulk_create(releases, batch_size=1000)
        template = release_content(Release.objects.order_by("pk").first())
        snapshots = [contact.snapshot() for contact in contacts]
        revisions = []
        new = Release.objects.filter(live_revision__isnull=True).only("pk", "slug", "headline", "release_date")
        for release in new:
            content = {
                **template,
                "slug": release.slug,
                "headline": release.headline,
                "dateline": {**template["dateline"], "date": release.release_date.isoformat()},
                "contacts": snapshots,
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
    """Events as the events app stores them: half upcoming, half past with a replay live or expired."""
    from django.apps import apps
    from django.db import transaction
    from django.utils import timezone

    from events.content import event_content
    from irportal.workflow.models import State

    event_model = apps.get_model("events", "Event")
    revision_model = apps.get_model("events", "EventRevision")
    have = event_model.objects.count()
    if have >= total:
        return
    user = _bench_user()
    now = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        events = []
        for n in range(have, total):
            direction = -1 if n % 2 else 1
            starts = now + dt.timedelta(days=direction * (1 + n // 2))
            event = event_model(
                slug=f"bench-event-{n:04d}",
                title=f"Halvorsen at the Precision Instruments Conference {n}",
                organizer="Example Securities",
                starts_at=starts,
                ends_at=starts + dt.timedelta(minutes=40),
                time_zone="America/New_York",
                location="New York",
                presenters=[{"name": "Dana Ferreira", "title": "Vice President, Investor Relations"}],
                webcast_url=f"https://webcast.example/halvorsen/{n}",
                replay_url=f"https://webcast.example/halvorsen/{n}/replay" if starts < now else "",
                status=State.PUBLISHED,
                publish_at=now - dt.timedelta(days=400),
                first_published_at=now - dt.timedelta(days=400),
                last_published_at=now - dt.timedelta(days=400),
                created_by=user,
                last_edited_by=user,
                version=1,
            )
            event.schedule_replay()
            events.append(event)
        event_model.objects.bulk_create(events, batch_size=1000)
        revisions = [
            revision_model(
                event=event,
                number=1,
                content=(content := event_content(event)),
                content_hash=revision_model.hash_content(content),
                created_by=user,
                note="Bench data",
            )
            for event in event_model.objects.filter(live_revision__isnull=True)
        ]
        revision_model.objects.bulk_create(revisions, batch_size=1000)
        _link_live_revisions(event_model._meta.db_table, revision_model._meta.db_table, "event_id")


def analyze() -> None:
    """Planner statistics for the bulk-loaded tables, as autovacuum would gather them on a live site."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "irportal.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}", *QUIET],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                sys.exit("gunicorn did not start; see its output above")
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


def run_wrk(url: str, *headers: str) -> dict:
    """wrk for a fixed time; requests per second, p50 and p99 in ms, and failed responses."""
    for _ in range(3):  # warm the page (and its cache) before the clock starts
        urllib.request.urlopen(url, timeout=30, context=_UNVERIFIED).read()  # noqa: S310 - loopback
    options = [
        *(option for header in headers for option in ("-H", header)),
        "--latency",
        "--timeout",
        "10s",
        "-t",
        str(WRK["threads"]),
        "-c",
        str(WRK["connections"]),
        "-d",
        f"{WRK['duration']}s",
    ]
    output = subprocess.run(
        ["wrk", *options, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
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


def load_test(env: dict[str, str], paths: dict[str, str]) -> dict[str, dict]:
    port = free_port()
    server = start_gunicorn(env, port)
    try:
        return {name: run_wrk(f"http://127.0.0.1:{port}{path}") for name, path in paths.items()}
    finally:
        stop(server)


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
    server = start_gunicorn(env, web_port)
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


# -- report -----------------------------------------------------------------------------------


def report(paths, cached, uncached, counts_small, counts_large, cache_switch: bool, proxied) -> bool:
    static = cached["static file"]["rps"]
    print()
    print(
        f"wrk: {WRK['duration']} s per URL, {WRK['threads']} threads, {WRK['connections']} connections, "
        f"gunicorn 2 workers, {SCALE['releases']:,} releases"
    )
    header = (
        f"{'page':<14} {'path':<42} {'rps':>8} {'p50 ms':>7} {'p99 ms':>7} {'/static':>7} "
        f"{'rps off':>8} {'p99 off':>7} {'SQL uncached':>12} {'SQL cached':>10} {'SQL @10':>7}"
    )
    print(header)
    print("-" * len(header))
    for name, path in paths.items():
        row = cached[name]
        off = uncached.get(name)
        small = counts_small.get(name, ("", ""))
        large = counts_large.get(name, ("", ""))
        print(
            f"{name:<14} {path[:42]:<42} {row['rps']:>8.0f} {row['p50']:>7.2f} {row['p99']:>7.2f} "
            f"{row['rps'] / static:>7.2f} {off['rps'] if off else float('nan'):>8.0f} "
            f"{off['p99'] if off else float('nan'):>7.2f} {large[0]!s:>12} {large[1]!s:>10} {small[0]!s:>7}"
        )
        if row["errors"] or row["socket_errors"] or (off and (off["errors"] or off["socket_errors"])):
            failed = f"non-2xx/3xx {row['errors']} (cache off: {off and off['errors']})"
            print(f"  ! {name}: {failed}, socket errors: {row['socket_errors'] or 'none'}")
    print("(rps off / p99 off: the second gunicorn run, PUBLIC_CACHE=off; SQL @10: uncached with 10 releases)")
    print("(PUBLIC_CACHE=off turns the page cache off: every request reads everything it shows from the database)")
    if not cache_switch:
        print(
            "note: settings define no PUBLIC_CACHE switch, so the cache-off run is the same code as the first; "
            "its figures are uncached only if nothing caches the pages."
        )

    home, home_off = cached["investors"], uncached["investors"]
    small, large = counts_small["investors"], counts_large["investors"]
    checks = [
        (
            f"/investors/ cached >= {TARGETS['cached_share_of_static']:.0%} of the static file's rps",
            home["rps"] >= TARGETS["cached_share_of_static"] * static,
            f"{home['rps']:.0f} vs {static:.0f} ({home['rps'] / static:.0%})",
        ),
        (
            f"/investors/ cached p99 <= {TARGETS['cached_p99_ms']:.0f} ms",
            home["p99"] <= TARGETS["cached_p99_ms"],
            f"{home['p99']:.2f} ms",
        ),
        (
            f"/investors/ uncached >= {TARGETS['uncached_rps']:.0f} rps",
            home_off["rps"] >= TARGETS["uncached_rps"],
            f"{home_off['rps']:.0f} rps",
        ),
        (
            f"/investors/ uncached queries <= {TARGETS['uncached_queries']}, the same at 10 and 10,000 releases",
            large[0] <= TARGETS["uncached_queries"] and small[0] == large[0],
            f"{small[0]} at 10, {large[0]} at {SCALE['releases']:,}",
        ),
        ("/investors/ cached: 0 queries", large[1] == 0, f"{large[1]} queries"),
    ]
    if proxied is not None:
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
        checks.append(
            (
                f"/investors/ through the nginx proxy cache >= {TARGETS['proxy_share_of_static']:.0%} of nginx's "
                "static file of the same size (Connection: close, plain HTTP)",
                share >= TARGETS["proxy_share_of_static"],
                f"{plain['page']['rps']:.0f} vs {plain['static']['rps']:.0f} ({share:.0%})",
            )
        )
    print()
    for label, ok, detail in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {label}: {detail}")
    return all(ok for _, ok, _ in checks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary static directory")
    options = parser.parse_args()
    if shutil.which("wrk") is None:
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
    from django.conf import settings
    from django.contrib.staticfiles.storage import staticfiles_storage

    seed(SMALL)
    from releases.models import Release

    def public_paths() -> dict[str, str]:
        newest = Release.objects.order_by("-publish_at").first()
        return {
            "investors": "/investors/",
            "news": "/investors/news/",
            "release": newest.get_absolute_url(),
            "rss": "/investors/news/feed/",
        }

    counts_small = query_counts(public_paths())
    seed(SCALE)
    analyze()
    print(f"loaded {Release.objects.count():,} releases in {time.monotonic() - started:.0f} s")
    paths = public_paths()
    counts_large = query_counts(paths)
    paths["static file"] = staticfiles_storage.url("css/site.css")

    cache_switch = hasattr(settings, "PUBLIC_CACHE")
    cached = load_test(env, paths)
    pages = {name: path for name, path in paths.items() if name != "static file"}
    uncached = load_test({**env, "PUBLIC_CACHE": "off"}, pages)
    proxied = proxy_test(env, var_dir)
    passed = report(paths, cached, uncached, counts_small, counts_large, cache_switch, proxied)
    print(f"\nbench took {time.monotonic() - started:.0f} s")
    if not options.keep:
        shutil.rmtree(var_dir, ignore_errors=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
