"""Audit log at scale: explorer paging, export memory and verification speed with a million entries.

Run with ``make bench-audit`` (PostgreSQL only; DATABASE_URL names the server,
the bench uses its own database ``irportal_bench`` on it, created on first
run and kept, so later runs skip the load):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/irportal make bench-audit

It loads valid chained entries (hashed by the real chain code, written with
COPY: the append-only triggers allow inserts), then measures the explorer's
first and a deep page (query count, time and the query plan), the JSON Lines
export's peak memory for 100,000 and for all entries, and verify_audit's
entries per second.
"""

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "irportal_bench"


def bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench-audit needs PostgreSQL: set DATABASE_URL=postgres://user@host:5432/name")
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def create_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DB)))


def setup_django(url: str) -> None:
    scratch = tempfile.mkdtemp(prefix="irportal-bench-")
    (Path(scratch) / "static").mkdir()
    os.environ.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "irportal.settings",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnop"),
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "false",
            "STATIC_MANIFEST": "false",
            "IRPORTAL_VAR_DIR": scratch,
            "AUDIT_CHECKPOINT_FILE": str(Path(scratch) / "checkpoints.log"),
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


ACTIONS = [
    ("release.access", "releases.release"),
    ("release.edit", "releases.release"),
    ("release.submit", "releases.release"),
    ("event.access", "events.event"),
    ("event.edit", "events.event"),
    ("auth.login", "auth.user"),
    ("auth.logout", "auth.user"),
    ("security.permission_denied", ""),
]


def load(target: int, batch: int = 20_000) -> float:
    """Append chained entries until the log holds ``target``; returns the seconds it took."""
    from django.db import connection

    from irportal.audit import chain
    from irportal.audit.models import AuditEntry, hash_payload

    head = AuditEntry.objects.order_by("-sequence").values_list("sequence", "entry_hash").first()
    sequence, prev_hash = head if head else (0, chain.GENESIS_HASH)
    if sequence >= target:
        return 0.0
    columns = (*chain.HASHED_FIELDS, "entry_hash")
    start_time = datetime(2024, 1, 1, tzinfo=UTC)
    started = time.perf_counter()
    connection.ensure_connection()
    raw = connection.connection
    while sequence < target:
        rows = []
        for _ in range(min(batch, target - sequence)):
            sequence += 1
            action, object_type = ACTIONS[sequence % len(ACTIONS)]
            fields = hash_payload(
                sequence=sequence,
                timestamp=start_time + timedelta(seconds=sequence * 30),
                group_id=uuid.UUID(int=sequence),
                actor_id=None,
                actor_label=f"user{sequence % 40}",
                action=action,
                object_type=object_type,
                object_id=str(sequence % 5000) if object_type else "",
                object_label=f"Item {sequence % 5000}" if object_type else "",
                changes={"headline": {"before": f"v{sequence - 1}", "after": f"v{sequence}"}}
                if action.endswith(".edit")
                else {},
                data={"view": "edit", "roles": ["IR Author"]} if action.endswith(".access") else {},
                ip="198.51.100.7",
                user_agent="bench/1.0",
                request_id=f"bench{sequence:012d}",
                prev_hash=prev_hash,
            )
            prev_hash = chain.entry_hash(fields)
            fields["entry_hash"] = prev_hash
            fields["changes"] = chain.canonical_json(fields["changes"]).decode()
            fields["data"] = chain.canonical_json(fields["data"]).decode()
            rows.append([fields[name] for name in columns])
        with raw.cursor() as cursor, cursor.copy(f"COPY audit_auditentry ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        raw.commit()
        print(f"  loaded #{sequence:,}", end="\r", flush=True)
    with raw.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditentry")
    raw.commit()
    print()
    return time.perf_counter() - started


def measure_page(client, params) -> tuple[int, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/compliance/audit/", params)
    assert response.status_code == 200, response.status_code
    return len(queries), (time.perf_counter() - started) * 1000


def page_plan(before: int | None, action: str | None = None) -> str:
    from irportal.audit.models import AuditEntry

    entries = AuditEntry.objects.defer("changes", "data", "user_agent")
    if action:
        entries = entries.filter(action=action)
    if before:
        entries = entries.filter(sequence__lt=before)
    return entries.order_by("-sequence")[:51].explain()


def plan_summary(plan: str) -> str:
    first = next(line for line in plan.splitlines() if "Scan" in line)
    return first.strip().lstrip("-> ").split("  (")[0]


def export_peak(through: int) -> tuple[float, float]:
    from irportal.audit.exports import jsonl_lines
    from irportal.audit.models import AuditEntry
    from irportal.audit.selectors import export_records

    tracemalloc.start()
    started = time.perf_counter()
    written = 0
    for line in jsonl_lines(export_records(AuditEntry.objects.all(), through=through)):
        written += len(line)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024 / 1024, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=int(os.environ.get("BENCH_ENTRIES", 1_000_000)))
    args = parser.parse_args()
    url = bench_database_url()
    create_database(url)
    setup_django(url)

    from django.test import Client

    from irportal.accounts.roles import COMPLIANCE_REVIEWER
    from irportal.audit.exports import jsonl_lines
    from irportal.audit.health import run_verification
    from irportal.audit.models import AuditEntry
    from irportal.audit.selectors import export_records

    print(f"loading up to {args.entries:,} entries into {BENCH_DB} ...")
    seconds = load(args.entries)
    total = AuditEntry.objects.count()
    print(f"  {total:,} entries ({seconds:.0f} s to load)" if seconds else f"  {total:,} entries (already loaded)")

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    reviewer, _ = get_user_model().objects.get_or_create(username="bench-reviewer")
    reviewer.groups.add(Group.objects.get(name=COMPLIANCE_REVIEWER))
    client = Client()
    client.force_login(reviewer)

    rows = []
    head = AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    for label, params, before, action in [
        ("explorer, first page", {}, None, None),
        ("explorer, deep page (#1,000)", {"before": 1000}, 1000, None),
        ("explorer, action filter, first page", {"action": "release.edit"}, None, "release.edit"),
        ("explorer, action filter, deep page", {"action": "release.edit", "before": 5000}, 5000, "release.edit"),
    ]:
        measure_page(client, params)  # warm
        count, millis = measure_page(client, params)
        rows.append((label, f"{count} queries", f"{millis:.1f} ms", plan_summary(page_plan(before, action))))

    started = time.perf_counter()
    untraced = sum(1 for _ in jsonl_lines(export_records(AuditEntry.objects.all(), through=min(100_000, head))))
    secs = time.perf_counter() - started
    speed = f"{untraced / secs:,.0f} entries/s"
    rows.append((f"JSON Lines export speed, {untraced:,} entries", "untraced", f"{secs:.1f} s", speed))
    small = min(100_000, head)
    for through in (small, head):
        peak, secs = export_peak(through)
        rows.append((f"JSON Lines export, {through:,} entries", f"peak {peak:.1f} MiB", f"{secs:.1f} s", "tracemalloc"))

    run, result = run_verification(source="command")
    rate = result.count / max(run.duration_seconds, 1e-6)
    rows.append(
        (
            f"verify_audit, {result.count:,} entries",
            "intact" if result.ok else f"BROKEN at #{result.broken_sequence}",
            f"{run.duration_seconds:.1f} s",
            f"{rate:,.0f} entries/s",
        )
    )

    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    print()
    for row in rows:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
