"""The company's share: its daily prices, dividends, stock splits and the analysts who cover it.

Prices come through a provider (``stock.providers``): a CSV uploaded on the
console, a CSV at a configured address, or a vendor's feed. Dividends,
splits and analyst coverage are kept on the console, each change audited.

A dividend or a split is public from ``public_from``: the second the
announcement that declared it went out (the press release's embargo).
Entered earlier, it stays off the public pages until then, decided at read
time like every embargo, and the public cache expires at that second.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

PRICE = {"max_digits": 14, "decimal_places": 4, "validators": [MinValueValidator(Decimal("0.0001"))]}


class PriceSource(models.TextChoices):
    """How current a price is, as the public page says beside it."""

    END_OF_DAY = "end_of_day", _("end of day")
    DELAYED = "delayed", _("delayed")


class DailyPrice(models.Model):
    day = models.DateField(unique=True)
    open = models.DecimalField(**PRICE)
    high = models.DecimalField(**PRICE)
    low = models.DecimalField(**PRICE)
    close = models.DecimalField(**PRICE)
    volume = models.PositiveBigIntegerField()
    source = models.CharField(max_length=20, choices=PriceSource.choices, default=PriceSource.END_OF_DAY)
    provider = models.CharField(max_length=60, help_text=_("Where the row came from: upload, url or a vendor's name"))
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-day"]
        default_permissions = ("view", "add")

    def __str__(self):
        return f"{self.day:%Y-%m-%d} close {self.close}"


class PublicFromQuerySet(models.QuerySet):
    def public(self, now):
        return self.filter(public_from__lte=now)


class Dividend(models.Model):
    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular")
        SPECIAL = "special", _("Special")

    declared_on = models.DateField(_("declared"))
    ex_dividend_on = models.DateField(_("ex-dividend date"))
    record_on = models.DateField(_("record date"))
    payable_on = models.DateField(_("payment date"))
    amount = models.DecimalField(max_digits=12, decimal_places=6, validators=[MinValueValidator(Decimal("0.000001"))])
    currency = models.CharField(max_length=3, default="USD", help_text=_("ISO 4217 code, e.g. USD"))
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REGULAR)
    public_from = models.DateTimeField(
        _("public from"),
        help_text=_(
            "When the announcement declaring it goes out (the release's embargo): shown from then, not before."
        ),
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublicFromQuerySet.as_manager()

    class Meta:
        ordering = ["-ex_dividend_on"]
        indexes = [models.Index(fields=["public_from"], name="dividend_public_from")]

    def __str__(self):
        return f"{self.currency} {self.amount.normalize():f} payable {self.payable_on:%Y-%m-%d}"

    def clean(self):
        super().clean()
        dates = [self.declared_on, self.ex_dividend_on, self.record_on, self.payable_on]
        if None in dates:
            return
        errors = {}
        if self.ex_dividend_on < self.declared_on:
            errors["ex_dividend_on"] = _("The ex-dividend date cannot come before the declaration.")
        if self.record_on < self.ex_dividend_on:
            errors["record_on"] = _("The record date cannot come before the ex-dividend date.")
        if self.payable_on < self.record_on:
            errors["payable_on"] = _("The payment date cannot come before the record date.")
        if errors:
            raise ValidationError(errors)


class StockSplit(models.Model):
    effective_on = models.DateField(_("effective"), help_text=_("The first day the shares trade split-adjusted"))
    new_shares = models.PositiveIntegerField(_("new shares"), validators=[MinValueValidator(1)])
    old_shares = models.PositiveIntegerField(_("for every"), validators=[MinValueValidator(1)])
    note = models.CharField(max_length=200, blank=True)
    public_from = models.DateTimeField(
        _("public from"), help_text=_("When the announcement goes out (the release's embargo): shown from then.")
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublicFromQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_on"]

    def __str__(self):
        return f"{self.ratio} effective {self.effective_on:%Y-%m-%d}"

    @property
    def ratio(self) -> str:
        return f"{self.new_shares}-for-{self.old_shares}"

    def clean(self):
        super().clean()
        if self.new_shares and self.new_shares == self.old_shares:
            raise ValidationError({"new_shares": _("A split changes the number of shares: the two numbers differ.")})


class AnalystCoverage(models.Model):
    firm = models.CharField(max_length=120)
    analyst = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("shown"), default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    is_demo = models.BooleanField(
        default=False, editable=False, help_text=_("Made for the demo company; removed with the demo content")
    )

    class Meta:
        ordering = ["order", "firm", "analyst"]
        verbose_name_plural = _("analyst coverage")

    def __str__(self):
        return f"{self.analyst}, {self.firm}"
