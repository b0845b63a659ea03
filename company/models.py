import datetime
import zoneinfo
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from company import timefmt
from company.fiscal import FiscalYearEnd
from company.validators import (
    default_disclosure_languages,
    normalize_cik,
    ticker_validator,
    validate_accent_colour,
    validate_cik,
    validate_disclosure_languages,
    validate_time_zone,
    validate_website,
    website_url,
)


class Exchange(models.TextChoices):
    NASDAQ = "Nasdaq", "Nasdaq"
    NYSE = "NYSE", _("New York Stock Exchange")
    NYSE_AMERICAN = "NYSE American", "NYSE American"
    TSX = "TSX", _("Toronto Stock Exchange")
    LSE = "LSE", _("London Stock Exchange")


class Newswire(models.TextChoices):
    """The wire a company's releases cross: the common US, Canadian and European wires, or another one.

    The value is the wire's stable key (for the wire's transmission settings); ``DISTRIBUTION_LINES`` is the
    name as the wire prints it in a release's dateline, e.g. ``(GLOBE NEWSWIRE)``.
    """

    BUSINESS_WIRE = "business_wire", "Business Wire"
    GLOBENEWSWIRE = "globenewswire", "GlobeNewswire"
    PR_NEWSWIRE = "pr_newswire", "PR Newswire"
    ACCESSWIRE = "accesswire", "ACCESSWIRE"
    CNW = "cnw", "Canada Newswire (CNW)"
    NEWSFILE = "newsfile", _("Newsfile (Canada)")
    RNS = "rns", _("RNS, London Stock Exchange")
    EQS = "eqs", _("EQS Newswire (Europe)")
    CISION = "cision", _("Cision (Europe)")
    OTHER = "other", _("Another wire")


DISTRIBUTION_LINES = {
    Newswire.BUSINESS_WIRE: "BUSINESS WIRE",
    Newswire.GLOBENEWSWIRE: "GLOBE NEWSWIRE",
    Newswire.PR_NEWSWIRE: "PRNewswire",
    Newswire.ACCESSWIRE: "ACCESSWIRE",
    Newswire.CNW: "CNW",
    Newswire.NEWSFILE: "Newsfile Corp.",
    Newswire.RNS: "RNS",
    Newswire.EQS: "EQS Newswire",
    Newswire.CISION: "Cision",
}


class DateStyle(models.TextChoices):
    """How the company writes a date, everywhere: release bullets, public pages, feeds, calendars, the console."""

    AP = timefmt.AP, _("Friday, Dec. 11, 2026 (AP style, as wires print it)")
    LONG = timefmt.LONG, _("Friday, December 11, 2026 (month written out)")


MONTHS = (
    _("January"),
    _("February"),
    _("March"),
    _("April"),
    _("May"),
    _("June"),
    _("July"),
    _("August"),
    _("September"),
    _("October"),
    _("November"),
    _("December"),
)
DEFAULT_ACCENT_COLOUR = "#0b5394"
DEFAULT_INVESTOR_SECTION = "Investor Relations"


class CompanyProfile(models.Model):
    """The listed company this site discloses for: one per site (primary key 1)."""

    SINGLETON_PK = 1

    legal_name = models.CharField(max_length=200, help_text=_("As on the wire, e.g. Example Corp"))
    short_name = models.CharField(max_length=100, help_text=_('Used in running text, e.g. "Example"'))
    exchange = models.CharField(max_length=20, choices=Exchange.choices, default=Exchange.NASDAQ)
    ticker = models.CharField(max_length=10, validators=[ticker_validator])
    home_time_zone = models.CharField(
        max_length=64,
        default="America/New_York",
        validators=[validate_time_zone],
        help_text=_("IANA name of the head office's zone; event times are shown in it beside their own."),
    )
    website = models.CharField(
        max_length=200,
        blank=True,
        verbose_name=_("Website"),
        validators=[validate_website],
        help_text=_("As the company writes it, e.g. www.example.com: releases print it exactly so."),
    )
    lead_description = models.CharField(
        max_length=300,
        blank=True,
        verbose_name=_("Description in a release's lead"),
        help_text=_(
            "What follows the name and ticker in a release's first sentence, e.g. "
            "“a biotechnology company that develops treatments for rare liver diseases”."
        ),
    )
    dateline_city = models.CharField(
        max_length=80,
        blank=True,
        verbose_name=_("Dateline city"),
        help_text=_("The headquarters' city, e.g. Tempe"),
    )
    dateline_region = models.CharField(
        max_length=80,
        blank=True,
        verbose_name=_("Dateline state or country"),
        help_text=_("As a dateline writes it, e.g. Ariz. or Germany"),
    )
    investor_section_name = models.CharField(
        max_length=80,
        default=DEFAULT_INVESTOR_SECTION,
        verbose_name=_("Name of the website's investor section"),
        help_text=_("As the company's website names it, e.g. Investor Relations, Investor Information or Investors."),
    )
    newswire = models.CharField(
        max_length=20,
        choices=Newswire.choices,
        default=Newswire.BUSINESS_WIRE,
        help_text=_("The wire the company's releases cross; its name goes in the dateline."),
    )
    newswire_other = models.CharField(
        max_length=80,
        blank=True,
        verbose_name=_("Name of the other wire"),
        help_text=_("With “Another wire”: its name as its datelines print it."),
    )
    date_style = models.CharField(
        max_length=10,
        choices=DateStyle.choices,
        default=DateStyle.AP,
        verbose_name=_("How dates are written"),
        help_text=_("Used in releases, on the public pages, in feeds and calendars, and on the console."),
    )
    cik = models.CharField(
        _("CIK"),
        max_length=10,
        blank=True,
        validators=[validate_cik],
        help_text=_(
            "The SEC's Central Index Key: with it the site imports the company's filings from EDGAR "
            "and shows them under Filings. Leave empty for a company that does not file with the SEC."
        ),
    )
    disclosure_languages = models.JSONField(
        default=default_disclosure_languages,
        validators=[validate_disclosure_languages],
        verbose_name=_("Disclosure languages"),
        help_text=_(
            "The languages every disclosure is written in, the primary one first: a disclosure is "
            "approved and made public in all of them together."
        ),
    )
    default_replay_days = models.PositiveSmallIntegerField(
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("How many days an event's webcast replay stays public unless the event says otherwise."),
    )
    accent_colour = models.CharField(
        max_length=7,
        default=DEFAULT_ACCENT_COLOUR,
        validators=[validate_accent_colour],
        help_text=_("#rrggbb; colours the header line and the company name, so it must read well on white."),
    )
    fiscal_year_end_month = models.PositiveSmallIntegerField(
        default=12,
        choices=list(enumerate(MONTHS, start=1)),
        verbose_name=_("Fiscal year ends in"),
        help_text=_("With the day below: quarters and names such as “Q1 FY2027” are worked out from it."),
    )
    fiscal_year_end_day = models.PositiveSmallIntegerField(
        default=31,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        verbose_name=_("Fiscal year ends on day"),
        help_text=_(
            "A fiscal year is named after the calendar year it ends in (a year ending June 30, 2027 is FY2027)."
        ),
    )
    logo = models.ImageField(upload_to="company", blank=True, width_field="logo_width", height_field="logo_height")
    # The texts above that a release writes in the language it is written in (``TRANSLATABLE``): the primary
    # language's are the fields themselves, each other disclosure language's here, e.g.
    # ``{"fr": {"lead_description": "une société qui …", "investor_section_name": "Investisseurs"}}``.
    translations = models.JSONField(default=dict, blank=True, editable=False)
    logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        default_permissions = ("view", "change")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="company_profile_singleton")]

    def __str__(self):
        return self.listing

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)
        kept = _READ_ONCE.get()
        if kept is not None:
            kept.pop("profile", None)

    def clean_fields(self, exclude=None):
        self.cik = normalize_cik(self.cik)
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        try:
            datetime.date(2001, self.fiscal_year_end_month, self.fiscal_year_end_day)  # a year without Feb. 29
        except (TypeError, ValueError, OverflowError):  # OverflowError: a day past the largest C integer
            raise ValidationError(
                {"fiscal_year_end_day": _("That day does not exist in that month every year; use its last day.")}
            ) from None
        if self.newswire == Newswire.OTHER and not self.newswire_other.strip():
            raise ValidationError({"newswire_other": _("Name the wire as its datelines print it.")})

    @property
    def distribution(self) -> str:
        """The wire's name as a release's dateline prints it: ``GLOBE NEWSWIRE``."""
        if self.newswire == Newswire.OTHER:
            return self.newswire_other.strip()
        return DISTRIBUTION_LINES.get(self.newswire, "")

    @property
    def website_url(self) -> str:
        """The website as a link (with its scheme), for the one written as ``www.example.com``."""
        return website_url(self.website)

    TRANSLATABLE = ("lead_description", "investor_section_name")

    def in_language(self, name: str, language: str) -> str:
        """The text ``name`` (one of ``TRANSLATABLE``) as a release in ``language`` writes it: the field itself in
        the primary language, else its translation ("" when it has none)."""
        if language == settings.LANGUAGE_CODE:
            return getattr(self, name)
        return (self.translations.get(language) or {}).get(name, "")

    @property
    def missing_for_releases(self) -> list[str]:
        """The profile's fields a generated release needs and that are still empty, by their labels: the lead's
        description in every language the company discloses in."""
        needed = ("lead_description", "dateline_city", "dateline_region", "website", "investor_section_name")
        missing = [str(self._meta.get_field(name).verbose_name) for name in needed if not getattr(self, name).strip()]
        for language in self.disclosure_languages[1:]:
            if not self.in_language("lead_description", language).strip():
                missing.append(self.translated_label("lead_description", language))
        return missing

    @classmethod
    def translated_label(cls, name: str, language: str) -> str:
        """The label of field ``name`` in ``language``: ``Description in a release's lead (French)``."""
        return _("%(field)s (%(language)s)") % {
            "field": cls._meta.get_field(name).verbose_name,
            "language": get_language_info(language)["name_translated"],
        }

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The company's time zone: the one every request, task and mail shows company time in."""
        return zoneinfo.ZoneInfo(self.home_time_zone)

    @property
    def fiscal_year_end(self) -> FiscalYearEnd:
        return FiscalYearEnd(self.fiscal_year_end_month, self.fiscal_year_end_day)

    @property
    def listing(self) -> str:
        """The name with its listing, as a wire writes it: ``Example Corp (Nasdaq: EXMP)``."""
        return f"{self.legal_name} ({self.exchange}: {self.ticker})"

    @property
    def style_version(self) -> int:
        """Changes with every save, so the address of the colour style sheet does: browsers never keep an old one."""
        return int(self.updated_at.timestamp()) if self.updated_at else 0

    @property
    def logo_name(self) -> str:
        """The logo file's name, which its public address ends with: a new logo is a new address."""
        return self.logo.name.rsplit("/", 1)[-1] if self.logo else ""

    @classmethod
    def load(cls) -> "CompanyProfile":
        """The profile; read once per request where ``read_once`` is in force (a reading request)."""
        kept = _READ_ONCE.get()
        if kept is not None and "profile" in kept:
            return kept["profile"]
        profile = cls.objects.filter(pk=cls.SINGLETON_PK).first()
        if profile is None:
            profile = cls(legal_name="Company name not set", short_name="Company", ticker="TICKER")
        cls.remember(profile)
        return profile

    @classmethod
    def remember(cls, profile: "CompanyProfile") -> None:
        """Where ``read_once`` is in force, make ``profile`` (read another way: with the public navigation's
        sections, or kept by the public cache) the one ``load`` answers for the rest of the request."""
        kept = _READ_ONCE.get()
        if kept is not None:
            kept["profile"] = profile


# Within ``read_once``: the profile this context has read, so that every part of one request (the public
# cache's schedule, the view, the templates) shares one read.
_READ_ONCE: ContextVar[dict | None] = ContextVar("company_profile_read_once", default=None)


@contextmanager
def read_once():
    """Every ``CompanyProfile.load()`` inside reads the database once; a save reads it again."""
    token = _READ_ONCE.set({})
    try:
        yield
    finally:
        _READ_ONCE.reset(token)


class DemoAccount(models.Model):
    """A sign-in made for the demo company (``seed_demo``): switched off when the demo content is removed."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="demo_account")

    class Meta:
        default_permissions = ()

    def __str__(self):
        return f"demo sign-in {self.user_id}"
