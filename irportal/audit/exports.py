"""Streamed exports of the audit log (JSON Lines for verification, CSV for reading) and of insider lists."""

import csv
import re

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


def filters_description(filters: dict) -> str:
    """What a filtered export says of itself, on its first line."""
    chosen = ", ".join(f"{name}={value}" for name, value in filters.items())
    return f"IR Portal audit log filtered by {chosen}: only the entries that match, not the whole log"


def jsonl_lines(records, *, filters: dict | None = None):
    """One entry per line: the canonical JSON (as the hash is computed) of its hashed fields and ``entry_hash``.

    A filtered export starts with a line that says so and by what (``{"export": "filtered", ...}``)."""
    if filters:
        header = {"export": "filtered", "filters": filters, "description": filters_description(filters)}
        yield chain.canonical_json(header) + b"\n"
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


def csv_lines(columns, rows, *, cell=_csv_cell, filters: dict | None = None):
    """A header row, then one row per record; a filtered export starts with a row ``# <what it is filtered by>``."""
    writer = csv.writer(_Echo())
    if filters:
        yield writer.writerow(["# " + filters_description(filters)])
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow([cell(value) for value in row])


def audit_csv_lines(records, *, for_spreadsheets: bool = False, filters: dict | None = None):
    """The exact values (for verification with the hash fields), or, ``for_spreadsheets``, with every cell
    a spreadsheet would evaluate made text; that file no longer verifies against the hashes."""
    cell = spreadsheet_cell if for_spreadsheets else _csv_cell
    rows = ([record[name] for name in EXPORT_COLUMNS] for record in records)
    return csv_lines(EXPORT_COLUMNS, rows, cell=cell, filters=filters)


_FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def file_stem(*parts: str) -> str:
    """A file name's stem from its parts: letters, digits, ``_``, ``.`` and ``-`` only, at most 120 characters."""
    return _FILENAME_UNSAFE.sub("_", "-".join(parts))[:120]


def filtered_stem(stem: str, filters: dict) -> str:
    """``audit-log-filtered-action-release.edit-…``: a filtered export's name says so, and by what."""
    if not filters:
        return stem
    return file_stem(stem, "filtered", *(f"{name}-{value}" for name, value in filters.items()))


def attachment(lines, *, stem: str, extension: str, content_type: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type=content_type)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = f'attachment; filename="{stem}-{stamp}.{extension}"'
    response["Cache-Control"] = "no-store"
    return response
