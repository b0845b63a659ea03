"""Changing the stock data: price imports and the console's dividends, splits and analysts, each audited.

Dividends and splits do not go through the approval workflow. Their
disclosure is the press release (and the 8-K) that declares them, which
does: approval by someone other than its author, embargo, audit. The rows
kept here restate what that announcement said, like the filings restate
EDGAR, and cannot run ahead of it: each is public only from its
``public_from`` second, decided when a page is read, and the public cache
never outlives that second (``next_public_from``). Every change is audited
with its before and after; a row that has been public cannot be deleted
(``retention``), only corrected, and the correction is audited too.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from irportal.audit.services import audit_record, diff_fields
from irportal.ops import fetch, imports
from stock.models import DailyPrice, PriceSource
from stock.prices_csv import Bar, PricesRejected, parse_prices
from stock.providers import configured_provider
from stock.signals import stock_changed

PRICE_FIELDS = ("open", "high", "low", "close", "volume", "source")
SOURCE = "prices"


@dataclass(frozen=True)
class PricesStored:
    rows: int
    added: int
    changed: int


def _announce() -> None:
    transaction.on_commit(lambda: stock_changed.send(sender=DailyPrice), robust=True)


def prices_store(*, actor, bars: list[Bar], provider: str, source: str, data: dict) -> PricesStored:
    """Add the days that are new and replace the ones that differ, in one transaction, audited."""
    with transaction.atomic():
        days = [bar.day for bar in bars]
        known = {
            price.day: price
            for price in DailyPrice.objects.select_for_update().filter(day__gte=min(days), day__lte=max(days))
        }
        new, changed = [], []
        for bar in bars:
            values = {"open": bar.open, "high": bar.high, "low": bar.low, "close": bar.close, "volume": bar.volume}
            row = known.get(bar.day)
            if row is None:
                new.append(DailyPrice(day=bar.day, source=source, provider=provider, **values))
            elif any(getattr(row, name) != value for name, value in values.items()) or row.source != source:
                for name, value in values.items():
                    setattr(row, name, value)
                row.source, row.provider = source, provider
                changed.append(row)
        DailyPrice.objects.bulk_create(new, batch_size=1000)
        DailyPrice.objects.bulk_update(changed, [*PRICE_FIELDS, "provider", "imported_at"], batch_size=1000)
        stored = PricesStored(rows=len(bars), added=len(new), changed=len(changed))
        audit_record(
            action="stock.prices_import",
            actor=actor,
            object_type="stock.dailyprice",
            object_label=f"Daily prices {min(days)} to {max(days)}",
            data={**data, "provider": provider, "rows": stored.rows, "added": stored.added, "changed": stored.changed},
        )
        if new or changed:
            _announce()
    return stored


def stock_rows_delete(rows) -> int:
    """Delete these rows (the demo's prices or analysts) in the caller's transaction; the public pages follow
    after its commit."""
    deleted, _ = rows.delete()
    if deleted:
        _announce()
    return deleted


def prices_upload(*, actor, data: bytes, filename: str) -> PricesStored:
    """A CSV from the console: checked whole first (``PricesRejected`` names each bad row), then stored."""
    bars = parse_prices(data, today=timezone.localdate())
    sha256 = hashlib.sha256(data).hexdigest()
    return prices_store(
        actor=actor,
        bars=bars,
        provider="upload",
        source=PriceSource.END_OF_DAY,
        data={"file": filename[:200], "sha256": sha256},
    )


def prices_import(*, now: datetime | None = None) -> str:
    """One scheduled run of the configured provider; what happened, in words."""
    now = now or timezone.now()
    provider = configured_provider()
    if provider is None:
        return "no price provider configured"
    source = imports.claim_run(SOURCE, now, lease=timezone.timedelta(minutes=4))
    if source is None:
        return "another run holds the import, or its backoff lasts"
    try:
        answer = provider.fetch(validators=source.validators)
        if answer.bars is not None:
            with transaction.atomic():
                stored = prices_store(
                    actor=None, bars=answer.bars, provider=provider.name, source=provider.source, data={}
                )
                imports.save_state(SOURCE, validators=answer.validators)
            outcome = f"{stored.rows} rows: {stored.added} added, {stored.changed} changed"
        else:
            outcome = "not modified"
        imports.record_success(SOURCE, now, refreshed=True)
        return outcome
    except (fetch.FetchFailed, PricesRejected) as exc:
        error = str(exc) if isinstance(exc, fetch.FetchFailed) else f"the prices were refused: {exc}"
        imports.record_failure(SOURCE, now, error, retry_after=getattr(exc, "retry_after", None))
        return error
    finally:
        imports.end_run(SOURCE)


def _snapshot(obj, fields) -> dict:
    return model_to_dict(obj, fields=fields)


def record_save(*, actor, form, action: str) -> object:
    """Create or change a dividend, split or analyst from its console form; the change audited with both sides."""
    fields = list(form.Meta.fields)
    model = form._meta.model
    with transaction.atomic():
        before = (
            {}
            if form.instance.pk is None
            else _snapshot(model.objects.select_for_update().get(pk=form.instance.pk), fields)
        )
        obj = form.save(commit=False)
        obj.updated_by = actor
        obj.save()
        audit_record(
            action=f"{action}_{'update' if before else 'create'}",
            actor=actor,
            obj=obj,
            changes=diff_fields(before, _snapshot(model.objects.get(pk=obj.pk), fields)),  # as stored
        )
        _announce()
    return obj


def record_delete(*, actor, obj, action: str, fields) -> None:
    """Remove a row; one that has been public is refused by the retention guard before anything is deleted."""
    with transaction.atomic():
        audit_record(action=f"{action}_delete", actor=actor, obj=obj, changes=diff_fields(_snapshot(obj, fields), {}))
        obj.delete()
        _announce()
