"""Benchmark: the replay sweep's cost follows the number of due events, not the size of the table.

Builds its own PostgreSQL database (``irportal_bench_events`` unless
BENCH_DATABASE_URL says otherwise), fills it with events, and times the
sweep parts that publish and expire replay links, counting their queries:

    make bench-events        # or: python bench/events_bench.py [--events 100000] [--due 1000]

The database is dropped at the end unless --keep is given.
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/irportal_bench_events"


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing an unusual database name: {name!r}")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def configure(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "irportal.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
    os.environ.setdefault("IRPORTAL_VAR_DIR", tempfile.mkdtemp(prefix="irportal-bench-"))
    os.environ.setdefault("EMAIL_URL", "locmem://")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from irportal.celery import app

    # Side effects are queued in memory: the benchmark measures the sweep and the database.
    app.conf.broker_url = "memory://"


NOW = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)


def add_events(count: int, *, author, start_number: int) -> None:
    """Background events: long past (replay expired), recent (replay open), upcoming (replay pending)."""
    from django.db import connection

    from events.models import Event, ReplayStatus

    rows = []
    for offset in range(count):
        number = start_number + offset
        kind = number % 10
        if kind < 7:  # past, replay window over and already expired
            starts = NOW - timedelta(days=30 + number % 3000)
            status = ReplayStatus.EXPIRED
        elif kind < 9:  # upcoming: replay not yet available
            starts = NOW + timedelta(days=1 + number % 400)
            status = ReplayStatus.PENDING
        else:  # recent: replay open, expiry not yet due
            starts = NOW - timedelta(hours=1 + number % 100)
            status = ReplayStatus.AVAILABLE
        ends = starts + timedelta(minutes=45)
        rows.append(
            Event(
                slug=f"bench-event-{number}",
                title=f"Bench event {number}",
                starts_at=starts,
                ends_at=ends,
                time_zone="America/New_York",
                webcast_url="https://webcast.example/bench",
                replay_url="https://replay.example/bench",
                replay_available_at=ends,
                replay_days=7,
                replay_expires_at=ends + timedelta(days=7),
                replay_status=status,
                status="published",
                version=1,
                created_by=author,
                last_edited_by=author,
            )
        )
    Event.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO events_eventrevision (event_id, number, content, content_hash, created_by_id, created_at, note)
            SELECT e.id, 1, '{}'::jsonb, md5(e.slug), e.created_by_id, now(), ''
            FROM events_event e LEFT JOIN events_eventrevision r ON r.event_id = e.id WHERE r.id IS NULL
            """
        )
        cursor.execute(
            """
            UPDATE events_event e SET live_revision_id = r.id, approved_revision_id = r.id
            FROM events_eventrevision r WHERE r.event_id = e.id AND e.live_revision_id IS NULL
            """
        )
        cursor.execute("ANALYZE events_event")


def make_due(count: int, *, part: str) -> None:
    """Put ``count`` events in the state the sweep part acts on (and every other event out of it)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if part == "publish":
            cursor.execute(
                """
                UPDATE events_event SET replay_status = 'pending',
                    replay_available_at = %(now)s - interval '1 hour', replay_expires_at = %(now)s + interval '6 days'
                WHERE id IN (SELECT id FROM events_event WHERE slug LIKE 'bench-event-%%' ORDER BY id LIMIT %(count)s)
                """,
                {"now": NOW, "count": count},
            )
        else:
            cursor.execute(
                """
                UPDATE events_event SET replay_status = 'available',
                    replay_available_at = %(now)s - interval '8 days', replay_expires_at = %(now)s - interval '1 day'
                WHERE id IN (SELECT id FROM events_event WHERE slug LIKE 'bench-event-%%' ORDER BY id LIMIT %(count)s)
                """,
                {"now": NOW, "count": count},
            )
        cursor.execute("ANALYZE events_event")


def measure(part: str) -> tuple[int, float, int]:
    from django.db import connection

    from events.workflow import events_replay_expire_due, events_replay_publish_due

    run = events_replay_publish_due if part == "publish" else events_replay_expire_due
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        changed = run(NOW)
        elapsed = time.perf_counter() - started
    return len(changed), elapsed, queries


def explain(part: str) -> str:
    from events.workflow import _replay_publication_candidates, events_due_for_replay_expiry

    due = _replay_publication_candidates(NOW) if part == "publish" else events_due_for_replay_expiry(NOW)
    return due.order_by().values("pk").explain(analyze=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000, help="events in the table (default 100,000)")
    parser.add_argument("--due", type=int, default=1_000, help="events due (default 1,000)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("the benchmark runs on PostgreSQL: set BENCH_DATABASE_URL to a postgres:// URL")
    recreate_database(url)
    try:
        configure(url)
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(url)


def run(args) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    author = get_user_model().objects.create(username="bench-author")
    small = max(args.events // 10, args.due)
    print(f"Replay sweep on PostgreSQL: time and queries by table size and number of due events (now = {NOW:%Y-%m-%d})")
    print(f"{'part':<9} {'events in table':>15} {'due':>7} {'changed':>8} {'seconds':>8} {'queries':>8} {'q/due':>6}")
    results, plans = [], {}
    add_events(small, author=author, start_number=0)
    for size, due in ((small, args.due), (args.events, args.due), (args.events, max(args.due // 10, 1))):
        if size > small and results[-1][1] != size:
            add_events(size - small, author=author, start_number=small)
        for part in ("publish", "expire"):
            make_due(due, part=part)
            if size == args.events and due == args.due:
                plans[part] = explain(part)
            changed, seconds, queries = measure(part)
            results.append((part, size, due, changed, seconds, queries))
            print(f"{part:<9} {size:>15,} {due:>7,} {changed:>8,} {seconds:>8.2f} {queries:>8,} {queries / due:>6.1f}")
            if changed != due:
                raise SystemExit(f"expected {due} changes, got {changed}")
    print(f"\nHow the sweep finds the due events among {args.events:,} (EXPLAIN ANALYZE, before the sweep):")
    for part, plan in plans.items():
        print(f"-- {part}\n{plan}")


if __name__ == "__main__":
    main()
