"""Where daily prices come from: the provider interface, and the CSV address built in.

A provider answers ``fetch(validators=...)`` with the bars it has (``None``
when nothing changed since the validators it was given) and the validators
to send next time; it raises ``FetchFailed`` when its service cannot be read
and ``PricesRejected`` when the answer is not prices. The scheduled import
(``stock.services.prices_import``) calls the configured one, stores what it
answers with its ``source`` label ("end of day", "delayed") and handles
every failure the same way: nothing stored changes, the import shows as
stale.

A vendor plugs in behind the same interface: a class with ``name``,
``source`` and ``fetch``, named in ``STOCK_PRICE_PROVIDER`` as a dotted path
(``vendorpackage.prices.VendorProvider``). Without it, and with
``STOCK_PRICES_URL`` set, the CSV at that address is read.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from irportal.ops import fetch
from stock.models import PriceSource
from stock.prices_csv import Bar, parse_prices

MAX_CSV_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class ProviderAnswer:
    bars: list[Bar] | None  # None: not modified
    validators: dict = field(default_factory=dict)


class PriceProvider:
    name: str = ""
    source: str = PriceSource.END_OF_DAY

    def fetch(self, *, validators: dict) -> ProviderAnswer:
        raise NotImplementedError


class CsvUrlProvider(PriceProvider):
    """The CSV at ``STOCK_PRICES_URL``, in the upload's format, asked for conditionally."""

    name = "url"
    source = PriceSource.END_OF_DAY

    def fetch(self, *, validators: dict) -> ProviderAnswer:
        with fetch.client(user_agent=settings.STOCK_PRICES_USER_AGENT) as http:
            answer = fetch.conditional_get(
                http, settings.STOCK_PRICES_URL, validators=validators, max_bytes=MAX_CSV_BYTES
            )
        if answer.body is None:
            return ProviderAnswer(None, answer.validators)
        return ProviderAnswer(parse_prices(answer.body, today=timezone.localdate()), answer.validators)


def configured_provider() -> PriceProvider | None:
    if settings.STOCK_PRICE_PROVIDER:
        return import_string(settings.STOCK_PRICE_PROVIDER)()
    if settings.STOCK_PRICES_URL:
        return CsvUrlProvider()
    return None
