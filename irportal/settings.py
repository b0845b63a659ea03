"""IR Portal settings: one module, every deployment difference read from the environment.

See the configuration table in README.md. Nothing secret is committed: with
DEBUG off, SECRET_KEY and ALLOWED_HOSTS must come from the environment.
"""

import ipaddress
import re
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from irportal.accounts.roles import ROLES
from irportal.env import email_settings, envbool, envint, envlist, envstr, envtimezone, webauthn_origin_for

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("IRPORTAL_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = envbool("DEBUG", False)

SECRET_KEY = envstr("SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"  # noqa: S105 - DEBUG only
# Earlier keys, still accepted for signatures made with them while SECRET_KEY is rotated
# (docs/security/key-management.md); comma-separated, newest first.
SECRET_KEY_FALLBACKS = envlist("SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "irportal.ops",
    "irportal.audit",
    "irportal.accounts",
    "company",
    "filings",
    "stock",
    "irportal.workflow",
    "releases",
    "events",
    "reports",
    "governance",
    "packages",
    "wire",
    "alerts",
    "investors",
]

MIDDLEWARE = [
    # The request id (the one the audit log records) and the request's log line and latency, for every request.
    "irportal.audit.middleware.AuditContextMiddleware",
    "irportal.ops.logs.RequestLogMiddleware",
    # A reading request reads the company profile once (company/middleware.py).
    "company.middleware.ProfileReadOnceMiddleware",
    # Staff and compliance answers are never stored by browsers or proxies (irportal/accounts/middleware.py).
    "irportal.accounts.middleware.StaffNoStoreMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # With STAFF_SITE_URL: the staff pages on the staff host only, and nothing else there.
    "irportal.accounts.middleware.StaffHostMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of the answer: on the public site only the address says it (/fr/investors/... is French,
    # /investors/... the primary language); staff pages the language the staff member chose.
    # Above the public cache, so a cached copy is answered in its own language with its Content-Language.
    "django.middleware.locale.LocaleMiddleware",
    "irportal.accounts.middleware.ConsoleLanguageMiddleware",
    # A cached public page is answered here, before CSRF, authentication and the staff checks run; its copy
    # keeps the headers the middleware below added when it was rendered (frame options, content security
    # policy). Sessions sit above it: the middleware below reads the user on every request, which would mark
    # every page "Vary: Cookie", and public pages show nothing of the visitor (investors/cache.py).
    "investors.cache.PublicCacheMiddleware",
    # A public address in a language the company does not disclose in answers 404 (investors/languages.py).
    "investors.languages.DisclosureLanguageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "company.middleware.CompanyTimeZoneMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Staff sessions: idle and absolute timeouts, the session list, and the second factor in front of every
    # staff page (irportal/accounts/middleware.py).
    "irportal.accounts.middleware.StaffSessionMiddleware",
    "irportal.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "irportal.audit.retention.RetentionRefusalMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "irportal.urls"
WSGI_APPLICATION = "irportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "investors.context_processors.company",
            ],
        },
    },
]

# Database: PostgreSQL in production (DATABASE_URL), an SQLite file under var/ otherwise.
_database_url = envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
try:
    _database = dj_database_url.parse(_database_url, conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60, minimum=0))
except (ValueError, KeyError) as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL this product understands: {exc}") from None
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions make SQLite serialise writers at BEGIN, which the
    # audit hash chain relies on; WAL lets readers go on while one writes.
    _database["CONN_MAX_AGE"] = 0
    _database["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif _database["ENGINE"] == "django.db.backends.postgresql":
    _database["CONN_HEALTH_CHECKS"] = True
else:
    raise ImproperlyConfigured("DATABASE_URL must be a postgres:// or sqlite:// URL")
DATABASES = {"default": _database}
# PostgreSQL: the role web, worker and beat connect as (in their DATABASE_URL). Set it where migrations and
# restores run, as the schema's owner: they then grant this role reading and appending to the audit log and
# reading and writing the other tables, and nothing that could alter the audit table
# (irportal/audit/database_roles.py).
DATABASE_RUNTIME_ROLE = envstr("DATABASE_RUNTIME_ROLE")
if DATABASE_RUNTIME_ROLE is not None and not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", DATABASE_RUNTIME_ROLE):
    raise ImproperlyConfigured(
        f"DATABASE_RUNTIME_ROLE must be a role name (lower-case letters, digits, _); got {DATABASE_RUNTIME_ROLE!r}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = envstr("REDIS_URL")
if REDIS_URL is not None and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL must start with redis://, rediss:// or unix://; got {REDIS_URL!r}")

# One cache shared by every process: it holds the public pages' generation, so a per-process cache
# would let a withdrawn release live on in the processes that did not handle the withdrawal.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "irportal.cache_backends.ReusingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": envstr("CACHE_KEY_PREFIX", "irportal"),
        }
    }
else:
    # The embedded default: files under var/cache/, shared by every process on this machine. A hit reads
    # one file (about 50 us): no SQL, no SQLite lock, and the copies outlive a database outage. A
    # database cache would cost a query per hit and take SQLite's write lock for every copy kept.
    # Django's default of 300 entries keeps each store quick (it lists the directory to cull).
    CACHES = {
        "default": {
            "BACKEND": "irportal.cache_backends.JsonFileCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# The public cache (investors/cache.py): how long a copy is kept at most,
# and the ceilings of max-age (browsers) and s-maxage (proxies, CDNs). Every
# one of them is also bounded by the next scheduled change. Publication and
# withdrawal drop the site's own copies at once; proxies and browsers keep
# theirs up to these ceilings.
# Switch the public page cache off only to measure or debug: every page is then rendered anew.
PUBLIC_CACHE = envbool("PUBLIC_CACHE", True)
PUBLIC_CACHE_SECONDS = envint("PUBLIC_CACHE_SECONDS", 300, minimum=1)
PUBLIC_CACHE_PROXY_SECONDS = envint("PUBLIC_CACHE_PROXY_SECONDS", 60, minimum=0)
PUBLIC_CACHE_BROWSER_SECONDS = envint("PUBLIC_CACHE_BROWSER_SECONDS", 0, minimum=0)
# How long a copy is kept after its expiry, to answer (marked stale) while the database is unreachable.
PUBLIC_CACHE_STALE_SECONDS = envint("PUBLIC_CACHE_STALE_SECONDS", 3600, minimum=0)
# One log line per page rendered into the cache (path, generation, valid until), to count renders.
PUBLIC_CACHE_LOG_RENDERS = envbool("PUBLIC_CACHE_LOG_RENDERS", False)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # The company's names and ticker, the product's name and the user's own names (company/password_validation.py).
    {"NAME": "company.password_validation.ContextWordsValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:console"
LOGOUT_REDIRECT_URL = "accounts:login"

# The primary language (the public pages' unprefixed addresses) and the languages a company may disclose in
# (``CompanyProfile.disclosure_languages``).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
# Catalogues of the interface in the languages other than the primary (locale/fr/LC_MESSAGES/django.po).
LOCALE_PATHS = [BASE_DIR / "locale"]
# The company's home time zone; every timestamp is stored in UTC.
TIME_ZONE = envtimezone("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True
# Numbers, dates and times in French as Canadian wires write them (irportal/formats/fr/formats.py).
FORMAT_MODULE_PATH = ["irportal.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "irportal.storage.StaticFilesStorage"
        if envbool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Email: SMTP in production (EMAIL_URL), files under var/mail/ otherwise.
globals().update(email_settings("EMAIL_URL", str(VAR_DIR / "mail")))
# The site's public address, for links in emails.
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000")
# An optional address of the staff console's own, e.g. https://ir-staff.example.com: when set, /staff/,
# /compliance/ and the private calendar feeds answer only on its host (the public host answers 404 for them)
# and that host answers nothing else (irportal/accounts/middleware.py StaffHostMiddleware). Staff links in
# emails use it. Unset: one host for everything.
STAFF_SITE_URL = envstr("STAFF_SITE_URL")
STAFF_HOST = ""
if STAFF_SITE_URL:
    _staff = urlsplit(STAFF_SITE_URL)
    if _staff.scheme not in ("http", "https") or not _staff.hostname or _staff.path not in ("", "/"):
        raise ImproperlyConfigured(
            f"STAFF_SITE_URL must be an address such as https://ir-staff.example.com; got {STAFF_SITE_URL!r}"
        )
    STAFF_HOST = _staff.netloc.lower()
    if _staff.hostname == urlsplit(SITE_URL).hostname:
        raise ImproperlyConfigured("STAFF_SITE_URL must name another host than SITE_URL")
    ALLOWED_HOSTS.append(_staff.hostname)
    CSRF_TRUSTED_ORIGINS.append(f"{_staff.scheme}://{_staff.netloc}")
STAFF_SITE_URL = (STAFF_SITE_URL or SITE_URL).rstrip("/")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "IR Portal <ir-portal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Email alerts (double opt-in). The mailbox named in every alert's List-Unsubscribe header next to the link.
ALERTS_UNSUBSCRIBE_EMAIL = envstr("ALERTS_UNSUBSCRIBE_EMAIL", parseaddr(DEFAULT_FROM_EMAIL)[1] or "ir-portal@localhost")
ALERTS_CONFIRM_HOURS = envint("ALERTS_CONFIRM_HOURS", 48, minimum=1, maximum=24 * 30)
ALERTS_RATE_LIMIT_PER_IP = envint("ALERTS_RATE_LIMIT_PER_IP", 20, minimum=1)
ALERTS_RATE_LIMIT_PER_ADDRESS = envint("ALERTS_RATE_LIMIT_PER_ADDRESS", 3, minimum=1)
ALERTS_RATE_LIMIT_WINDOW = envint("ALERTS_RATE_LIMIT_WINDOW", 3600, minimum=60)
ALERTS_BATCH_SIZE = envint("ALERTS_BATCH_SIZE", 200, minimum=1, maximum=10_000)
# Tries of one alert mail before it is marked failed: at once, then after 30 s, 1, 2 and every 4 minutes,
# so 20 tries cover about an hour and a quarter of mail server outage.
ALERTS_MAX_ATTEMPTS = envint("ALERTS_MAX_ATTEMPTS", 20, minimum=1, maximum=200)
# A side effect of a change (irportal/workflow/outbox.py) still failing this long after the change is marked failed.
OUTBOX_RETRY_HOURS = envint("OUTBOX_RETRY_HOURS", 24, minimum=1, maximum=24 * 14)

# The newswire (wire/, docs/operators/newswire.md): the channel the wire takes submissions on, where, and
# with which credentials; unset WIRE_CHANNEL means no wire (every release is website-only news). The
# company's side (its account, the sequencing policy) is on the staff console.
WIRE_CHANNEL = envstr("WIRE_CHANNEL", "")
WIRE_SMTP_URL = envstr("WIRE_SMTP_URL")
WIRE_SMTP_TO = envstr("WIRE_SMTP_TO")
WIRE_SMTP_FROM = envstr("WIRE_SMTP_FROM", DEFAULT_FROM_EMAIL)
WIRE_SFTP_URL = envstr("WIRE_SFTP_URL")
WIRE_SFTP_PASSWORD = envstr("WIRE_SFTP_PASSWORD")
WIRE_SFTP_KEY_FILE = envstr("WIRE_SFTP_KEY_FILE")
WIRE_SFTP_HOST_KEY = envstr("WIRE_SFTP_HOST_KEY")
WIRE_HTTPS_URL = envstr("WIRE_HTTPS_URL")
WIRE_HTTPS_TOKEN = envstr("WIRE_HTTPS_TOKEN")
WIRE_HTTPS_FORMAT = envstr("WIRE_HTTPS_FORMAT", "json")
# A CA bundle to trust for the wire's TLS (SMTP, HTTPS) besides the system's, e.g. a private CA.
WIRE_CA_FILE = envstr("WIRE_CA_FILE")
WIRE_WEBHOOK_SECRET = envstr("WIRE_WEBHOOK_SECRET")
# How far a signed webhook call's timestamp may be from now; an older call is refused as a possible replay.
WIRE_WEBHOOK_TOLERANCE_SECONDS = envint("WIRE_WEBHOOK_TOLERANCE_SECONDS", 300, minimum=30, maximum=3600)
WIRE_TIMEOUT_SECONDS = envint("WIRE_TIMEOUT_SECONDS", 30, minimum=1, maximum=110)
# Tries of one transmission before it is marked failed: at once, then after 30 s, 1, 2 and every 4 minutes.
WIRE_MAX_ATTEMPTS = envint("WIRE_MAX_ATTEMPTS", 6, minimum=1, maximum=50)

# Uploads (company/files.py, one check for every file staff upload): the largest file one upload may be, and
# the most pages a PDF may have. Django streams uploads to a temporary file, so a file over the limit reaches
# the form and is refused there with a message; the proxy in front must let such a request through (nginx
# client_max_body_size at least UPLOAD_MAX_FILE_MB plus a few megabytes for the rest of the form).
UPLOAD_MAX_FILE_MB = envint("UPLOAD_MAX_FILE_MB", 50, minimum=1, maximum=500)
UPLOAD_MAX_PDF_PAGES = envint("UPLOAD_MAX_PDF_PAGES", 150, minimum=1, maximum=5000)
# A PDF is parsed in a child process that is killed after this many seconds (the upload is then refused).
UPLOAD_PDF_CHECK_SECONDS = envint("UPLOAD_PDF_CHECK_SECONDS", 20, minimum=1, maximum=300)
# What a spreadsheet (.xlsx, a zip archive) may unpack to, in all and in parts.
UPLOAD_MAX_UNPACKED_MB = envint("UPLOAD_MAX_UNPACKED_MB", 200, minimum=1, maximum=2000)
UPLOAD_MAX_ARCHIVE_ENTRIES = envint("UPLOAD_MAX_ARCHIVE_ENTRIES", 2000, minimum=10, maximum=100_000)
# The malware scanner: ClamAV's daemon, as tcp://host:port or unix:///path/to/clamd.ctl. Unset, uploads are
# accepted and marked "not scanned"; set, a file the scanner finds something in, or that it cannot scan
# (down, timed out, over its StreamMaxLength), is refused.
CLAMD_ADDRESS = envstr("CLAMD_ADDRESS")
if CLAMD_ADDRESS is not None and not CLAMD_ADDRESS.startswith(("tcp://", "unix://")):
    raise ImproperlyConfigured(f"CLAMD_ADDRESS must start with tcp:// or unix://; got {CLAMD_ADDRESS!r}")
CLAMD_TIMEOUT_SECONDS = envint("CLAMD_TIMEOUT_SECONDS", 30, minimum=1, maximum=600)

# SEC filings from EDGAR (filings/services.py), for the CIK on the company profile. The SEC asks automated
# access to name who asks in the User-Agent: the company's legal name and EDGAR_CONTACT_EMAIL. Without a contact
# address no request is made and the import shows as stale on /readyz. At most EDGAR_REQUESTS_PER_MINUTE
# requests in any minute, counted in the database for every process; the filing index is asked for again
# EDGAR_IMPORT_INTERVAL seconds after it was last confirmed; the import is stale when it has not been confirmed
# for EDGAR_STALE_SECONDS. The addresses change only to point the import at a stand-in server.
EDGAR_CONTACT_EMAIL = envstr("EDGAR_CONTACT_EMAIL", "")
EDGAR_REQUESTS_PER_MINUTE = envint("EDGAR_REQUESTS_PER_MINUTE", 6, minimum=1, maximum=600)
EDGAR_IMPORT_INTERVAL = envint("EDGAR_IMPORT_INTERVAL", 900, minimum=60)
EDGAR_STALE_SECONDS = envint("EDGAR_STALE_SECONDS", 6 * 3600, minimum=120)
EDGAR_DATA_URL = envstr("EDGAR_DATA_URL", "https://data.sec.gov").rstrip("/")
EDGAR_ARCHIVES_URL = envstr("EDGAR_ARCHIVES_URL", "https://www.sec.gov").rstrip("/")

# Share prices (stock/providers.py): a CSV at STOCK_PRICES_URL (date, open, high, low, close, volume), read every
# STOCK_PRICES_INTERVAL seconds, or a vendor's provider class named in STOCK_PRICE_PROVIDER. The import is stale on
# /readyz when not confirmed for STOCK_PRICES_STALE_SECONDS; the public page says its prices are out of date when
# the latest close is older than STOCK_STALE_DAYS calendar days.
STOCK_PRICES_URL = envstr("STOCK_PRICES_URL", "")
STOCK_PRICE_PROVIDER = envstr("STOCK_PRICE_PROVIDER", "")
STOCK_PRICES_INTERVAL = envint("STOCK_PRICES_INTERVAL", 3600, minimum=60)
STOCK_PRICES_STALE_SECONDS = envint("STOCK_PRICES_STALE_SECONDS", 26 * 3600, minimum=120)
STOCK_PRICES_USER_AGENT = envstr("STOCK_PRICES_USER_AGENT", "IR Portal price import")
STOCK_STALE_DAYS = envint("STOCK_STALE_DAYS", 4, minimum=1, maximum=60)

# HTTPS and browser protections. SECURE_SSL_REDIRECT is on unless DEBUG; a
# proxy that redirects by itself can switch it off. The proxy tells Django the
# original scheme through X-Forwarded-Proto.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
# Health checks and the metrics scraper talk to gunicorn directly, over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
if envbool("SECURE_PROXY_SSL_HEADER", True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
# Secure cookies are named with the __Host- prefix: browsers then take them only over HTTPS, for this host
# alone (no Domain) and the whole site (Path=/), so another host of the company's domain cannot set or
# overwrite them. Browsers refuse a __Host- cookie without Secure, so over plain HTTP (make run, which turns
# the Secure flags off) the cookies keep their plain names.
SESSION_COOKIE_NAME = "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if CSRF_COOKIE_SECURE else "csrftoken"
SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = "/"
SESSION_COOKIE_DOMAIN = CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
# The console's language, as a staff member chose it (irportal.accounts.views.console_language); read only on
# the console and the compliance pages, never on the public site. Kept a year: it says nothing about anyone.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_NAME = "__Host-language" if LANGUAGE_COOKIE_SECURE else "language"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600, minimum=300)
# Sessions live in the database (one row per session, so one can be ended from another browser); a staff
# session ends SESSION_COOKIE_AGE seconds after sign-in whatever happens, and after SESSION_IDLE_SECONDS
# without a request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_SECONDS = envint("SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
# Sessions one user may have at once; signing in once more ends the least recently used (irportal/accounts/sessions.py).
SESSION_LIMIT = envint("SESSION_LIMIT", 3, minimum=1, maximum=20)
if SESSION_IDLE_SECONDS >= SESSION_COOKIE_AGE:
    raise ImproperlyConfigured(
        f"SESSION_IDLE_SECONDS ({SESSION_IDLE_SECONDS}) must be shorter than SESSION_COOKIE_AGE ({SESSION_COOKIE_AGE})"
    )

# Two factors (irportal/accounts/mfa.py): django-otp's TOTP and recovery codes, and django-otp-webauthn's
# passkeys and security keys. Members of MFA_REQUIRED_ROLES (every staff role unless narrowed) reach no
# staff page until they have enrolled a factor; everyone else may enrol one. Approve, schedule, publish and
# withdraw ask for the factor again when the last verification is older than MFA_STEP_UP_SECONDS.
MFA_REQUIRED_ROLES = envlist("MFA_REQUIRED_ROLES", list(ROLES))
if set(MFA_REQUIRED_ROLES) - set(ROLES):
    raise ImproperlyConfigured(f"MFA_REQUIRED_ROLES names roles that do not exist; the roles are {', '.join(ROLES)}")
MFA_STEP_UP_SECONDS = envint("MFA_STEP_UP_SECONDS", 300, minimum=30, maximum=3600)
# Changing one's factors or ending one's other sessions needs the password and a factor again (re-authentication),
# at most this long before, for one change.
MFA_REAUTH_SECONDS = envint("MFA_REAUTH_SECONDS", 300, minimum=30, maximum=1800)
# Invitations, password resets and factor resets are one-time links (irportal/accounts/links.py): how long one
# works, and how long after it was used a user without a factor may add their first one in that session.
ACCOUNT_LINK_HOURS = envint("ACCOUNT_LINK_HOURS", 48, minimum=1, maximum=24 * 14)
ACCOUNT_LINK_SETUP_MINUTES = envint("ACCOUNT_LINK_SETUP_MINUTES", 30, minimum=5, maximum=24 * 60)
OTP_TOTP_ISSUER = envstr("MFA_TOTP_ISSUER", "IR Portal")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# WebAuthn is bound to one origin. Browsers allow it on https:// and on http://localhost only, so the
# embedded default (SITE_URL http://127.0.0.1:8000) offers passkeys at http://localhost:8000.
_webauthn_origin = envstr("WEBAUTHN_ORIGIN", webauthn_origin_for(STAFF_SITE_URL))
OTP_WEBAUTHN_ALLOWED_ORIGINS = [_webauthn_origin]
OTP_WEBAUTHN_RP_ID = urlsplit(_webauthn_origin).hostname
OTP_WEBAUTHN_RP_NAME = envstr("WEBAUTHN_RP_NAME", "IR Portal")
# Passkeys are a second factor here, after the password; never a way in on their own.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
X_FRAME_OPTIONS = "DENY"

# Content security policy: no inline script, no third-party origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Audit log: append-only checkpoints of the chain head, kept outside the database.
AUDIT_CHECKPOINT_FILE = Path(envstr("AUDIT_CHECKPOINT_FILE", str(VAR_DIR / "audit-checkpoints.log")))
AUDIT_CHECKPOINT_INTERVAL = envint("AUDIT_CHECKPOINT_INTERVAL", 300, minimum=10)
# The Ed25519 private key that signs each checkpoint (PEM, readable by the app's user only), on the app's host and
# never the database's: `manage.py audit_signing_key create` makes it (irportal/audit/signing.py).
AUDIT_SIGNING_KEY_FILE = Path(envstr("AUDIT_SIGNING_KEY_FILE", str(VAR_DIR / "audit-signing-key.pem")))
# The proxies in front of the app (addresses or networks; 127.0.0.1 for the nginx site on the same host). Only
# on a request from one of them are X-Forwarded-For (the client's address: for the audit log, the sign-in and
# alert limits), X-Forwarded-Proto and X-Request-ID believed; from anyone else they are dropped
# (irportal/audit/middleware.py).
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES", [])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES must list addresses or networks; got {_proxy!r}") from None
if envbool("AUDIT_TRUST_X_FORWARDED_FOR", False):
    raise ImproperlyConfigured(
        "AUDIT_TRUST_X_FORWARDED_FOR trusted X-Forwarded-For from anyone and is gone: remove it and set "
        "TRUSTED_PROXIES to the proxy's address (127.0.0.1 for the nginx site)"
    )
# Keep a request id sent by the proxy in X-Request-ID (a UUID or 8 to 64 letters, digits and hyphens);
# otherwise every request gets a fresh one.
AUDIT_TRUST_X_REQUEST_ID = envbool("AUDIT_TRUST_X_REQUEST_ID", False)
# Chain health: how often beat walks the whole chain, and how long one walk may take.
AUDIT_VERIFY_INTERVAL = envint("AUDIT_VERIFY_INTERVAL", 3600, minimum=60)
AUDIT_VERIFY_TIME_LIMIT = envint("AUDIT_VERIFY_TIME_LIMIT", 1800, minimum=60)
# Minimum retention of audit entries and of published or withdrawn items, in years.
AUDIT_RETENTION_YEARS = envint("AUDIT_RETENTION_YEARS", 5, minimum=1)

# Sign-in throttling (django-axes): a username and client address pair is
# locked out after AXES_FAILURE_LIMIT failures for AXES_COOLOFF_MINUTES. The
# counters live in the shared cache (Redis) when REDIS_URL is set, else in the
# database, so every web process sees the same count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failures per client address across every username (password spraying), counted from the audit log's
# failed sign-ins within AXES_COOLOFF_MINUTES (irportal/accounts/throttle.py). Higher than the per-username
# limit so that colleagues behind one office address do not lock each other out.
SIGN_IN_ADDRESS_FAILURE_LIMIT = envint("SIGN_IN_ADDRESS_FAILURE_LIMIT", 30, minimum=1)
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler" if REDIS_URL else "axes.handlers.database.AxesDatabaseHandler"
AXES_CACHE = "default"
AXES_CLIENT_IP_CALLABLE = "irportal.audit.middleware.client_ip"
AXES_LOCKOUT_CALLABLE = "irportal.accounts.views.locked_out"
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Celery: Redis when REDIS_URL is set, kombu's filesystem transport under var/ otherwise.
CELERY_BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A message a worker took and has not acknowledged goes back to the queue after this. It must be
        # longer than any task may run (hard time limits: at most 300 s, audit_verify excepted, which is
        # acknowledged when it starts) plus the longest countdown a task waits before it runs (60 s), or a
        # task still running or waiting would be handed to a second worker. Seven minutes: what a killed
        # worker held comes back then, though nothing waits for it: beat hands every side effect and alert
        # still owed to a worker again from the database within five minutes.
        "visibility_timeout": 420,
        # A broker that is down answers at once or within a second: a request that commits a change
        # never waits on it (irportal/workflow/outbox.py hands work over with one quick try).
        "socket_connect_timeout": 1,
        "socket_timeout": 5,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "store_processed": False,
        # The worker looks for new messages ten times a second (kombu's default is once): the demo data's
        # side effects, and every publication's, then run within moments under `make run`.
        "polling_interval": 0.1,
    }
    for _folder in ("queue", "control", "processed"):
        (CELERY_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
# A request that queues a side effect does not wait long for a broker that is down.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 300, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", 240, minimum=5)
CELERY_TIMEZONE = "UTC"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Worker and beat log through LOGGING below, like web; print() is not a log line.
CELERY_WORKER_REDIRECT_STDOUTS = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "sweep": {
        "task": "irportal.workflow.tasks.sweep",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    "outbox-redispatch": {
        "task": "irportal.workflow.tasks.outbox_redispatch",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    "alerts-resume-stalled": {
        "task": "alerts.tasks.resume_stalled",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    "alerts-purge-unconfirmed": {
        "task": "alerts.tasks.purge_unconfirmed",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
    "reports-resume-thumbnails": {
        "task": "reports.tasks.resume_thumbnails",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "filings-edgar-import": {
        "task": "filings.tasks.edgar_import",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "stock-prices-import": {
        "task": "stock.tasks.prices_import",
        "schedule": float(STOCK_PRICES_INTERVAL),
        "options": {"expires": min(STOCK_PRICES_INTERVAL, 300)},
    },
    "audit-checkpoint": {
        "task": "irportal.audit.tasks.audit_checkpoint",
        "schedule": float(AUDIT_CHECKPOINT_INTERVAL),
        "options": {"expires": AUDIT_CHECKPOINT_INTERVAL},
    },
    "audit-verify": {
        "task": "irportal.audit.tasks.audit_verify",
        "schedule": float(AUDIT_VERIFY_INTERVAL),
        "options": {"expires": AUDIT_VERIFY_INTERVAL},
    },
}

# Logs: web, worker and beat write one line per record on stdout; LOG_FORMAT=json makes each a JSON
# object (irportal/ops/logs.py), with the request id the audit log records.
LOG_FORMAT = envstr("LOG_FORMAT", "plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json; got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "irportal.audit.logfilter.RequestIdFilter"},
        "task": {"()": "irportal.ops.logs.TaskFilter"},
        "redact": {"()": "irportal.ops.logs.RedactFilter"},
    },
    "formatters": {
        "plain": {"()": "irportal.ops.logs.PlainFormatter"},
        "json": {"()": "irportal.ops.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "task", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "investors.cache.renders": {"level": "INFO" if PUBLIC_CACHE_LOG_RENDERS else "WARNING"},
    },
}

# Metrics (irportal/ops/metrics.py) at /metrics for a scraper presenting this bearer token; unset, /metrics is 404.
METRICS_TOKEN = envstr("METRICS_TOKEN")
# /readyz answers everyone with its status code; which part fails only to staff, the metrics token, or a client
# in these networks (loopback and private addresses: monitoring that talks to gunicorn on the private network).
HEALTH_DETAIL_NETWORKS = envlist(
    "HEALTH_DETAIL_NETWORKS", ["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]
)
for _network in HEALTH_DETAIL_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"HEALTH_DETAIL_NETWORKS must list networks; got {_network!r}") from None
# Several gunicorn workers: a directory, emptied before gunicorn starts, where each worker writes its counters.
PROMETHEUS_MULTIPROC_DIR = envstr("PROMETHEUS_MULTIPROC_DIR")
if PROMETHEUS_MULTIPROC_DIR is not None and not Path(PROMETHEUS_MULTIPROC_DIR).is_dir():
    raise ImproperlyConfigured(
        f"PROMETHEUS_MULTIPROC_DIR must be an existing directory; got {PROMETHEUS_MULTIPROC_DIR!r}"
    )
