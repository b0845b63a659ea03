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


# A spreadsheet reads a cell that starts with one of these as a formula (or as the start of one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A cell a spreadsheet shows as text: a leading ' before anything it would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_cell(value):
    """A cell as a spreadsheet should show it: JSON for structures, text for anything it would evaluate."""
    return spreadsheet_safe(_csv_cell(value))


def csv_lines(columns, rows, *, cell=_csv_cell):
    writer = csv.writer(_Echo())
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([cell(value) for value in row])


def audit_csv_lines(records, *, for_spreadsheets: bool = False):
    """The exact values (for verification with the hash fields), or, ``for_spreadsheets``, with every cell
    a spreadsheet would evaluate made text; that file no longer verifies against the hashes."""
    cell = spreadsheet_cell if for_spreadsheets else _csv_cell
    return csv_lines(EXPORT_COLUMNS, ([record[name] for name in EXPORT_COLUMNS] for record in records), cell=cell)


def attachment(lines, *, stem: str, extension: str, content_type: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type=content_type)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{stamp}.{extension}"'
    response["Cache-Control"] = "no-store"
    return response
