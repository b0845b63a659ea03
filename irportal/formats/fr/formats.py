"""French as Canadian wires write it: what Django's ``date``, ``time`` and ``floatformat`` filters, localized numbers
and form fields use in French. The same conventions as ``company.timefmt`` and ``company.numfmt``, which write the
product's own dates, times and amounts: ``11 décembre 2026``, ``11 h 30``, ``1 234,5``.

Anything not set here is Django's own French (its date and time input formats, for one).
"""

DATE_FORMAT = "j F Y"  # 11 décembre 2026
TIME_FORMAT = "G\xa0\\h\xa0i"  # 11 h 30
DATETIME_FORMAT = "j F Y à G\xa0\\h\xa0i"  # 11 décembre 2026 à 11 h 30
YEAR_MONTH_FORMAT = "F Y"  # décembre 2026
MONTH_DAY_FORMAT = "j F"  # 11 décembre
SHORT_DATE_FORMAT = "Y-m-d"  # 2026-12-11, the all-numeric date of Canadian French
SHORT_DATETIME_FORMAT = "Y-m-d G\xa0\\h\xa0i"
FIRST_DAY_OF_WEEK = 0  # Sunday, as calendars in Canada start the week

DECIMAL_SEPARATOR = ","
# A narrow no-break space between groups of three digits: 1 234 567,5 (CLDR's fr; its fr_CA has a full one).
THOUSAND_SEPARATOR = "\u202f"
NUMBER_GROUPING = 3
