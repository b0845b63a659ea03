"""Streamed exports of the audit log (JSON Lines for verification, CSV for reading) and of insider lists."""

import csv

from django.http import StreamingHttpResponse
from django.utils import timezone

from irportal.audit import chain

JSONL_CONTENT_TYPE = "application/x-ndjson; charset=utf-8"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
EXPORT_COLUMNS = (*chain.HASHED_FIELDS, "entry_hash")


class _Echo:
    """A write-only file for csv.writer that hands each line back instead of storing it."""

    def write(self, value):
        return value


def jsonl_lines(records):
    """One entry per line: the canonical JSON (as the hash is computed) of its hashed fields and ``entry_hash``."""
    for record in records:
        yield chain.canonical_json(record) + b"\n"


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return chain.canonical_json(value).decode("utf-8")
    return value


def csv_lines(columns, rows):
    writer = csv.writer(_Echo())
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([_csv_cell(value) for value in row])


def audit_csv_lines(records):
    return csv_lines(EXPORT_COLUMNS, ([record[name] for name in EXPORT_COLUMNS] for record in records))


def attachment(lines, *, stem: str, extension: str, content_type: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type=content_type)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{stamp}.{extension}"'
    response["Cache-Control"] = "no-store"
    return response
