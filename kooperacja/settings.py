"""Settings of Kooperacja: one file, every deploy-specific value from the environment.

README lists every variable. Development runs with safe defaults; production (DEBUG off)
refuses to start without SECRET_KEY and FIELD_ENCRYPTION_KEY.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

import dj_database_url
import dj_email_url
from django.utils.translation import gettext_lazy as _

from kooperacja.env import EnvError, env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=False)

_DEV_SECRET_KEY = "dev-only-insecure-secret-key-do-not-use-in-production-0123456789"  # noqa: S105 (used only with DEBUG on)
_DEV_FIELD_KEY = base64.urlsafe_b64encode(b"kooperacja-dev-field-key-32bytes").decode()

SECRET_KEY = env_secret("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else None) or ""
if not SECRET_KEY:
    raise EnvError("SECRET_KEY is required when DEBUG is off (set SECRET_KEY or SECRET_KEY_FILE)")

FIELD_ENCRYPTION_KEY = env_secret("FIELD_ENCRYPTION_KEY", _DEV_FIELD_KEY if DEBUG else None) or ""
if not FIELD_ENCRYPTION_KEY:
    raise EnvError(
        "FIELD_ENCRYPTION_KEY is required when DEBUG is off "
        "(a Fernet key: 32 bytes, url-safe base64; set FIELD_ENCRYPTION_KEY or FIELD_ENCRYPTION_KEY_FILE)"
    )
try:
    if len(base64.urlsafe_b64decode(FIELD_ENCRYPTION_KEY.encode())) != 32:
        raise ValueError
except (ValueError, binascii.Error):
    raise EnvError("FIELD_ENCRYPTION_KEY must be 32 bytes in url-safe base64 (a Fernet key)") from None

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Who runs this deployment: named in the accessibility statement and the RODO clause.
OPERATOR_NAME = env_str("OPERATOR_NAME", "")
OPERATOR_EMAIL = env_str("OPERATOR_EMAIL", "")
OPERATOR_PHONE = env_str("OPERATOR_PHONE", "")
OPERATOR_ADDRESS = env_str("OPERATOR_ADDRESS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_q",
    "ninja",
    "kooperacja.core",
    "kooperacja.territory",
    "kooperacja.institutions",
    "kooperacja.directory",
    "kooperacja.cases",
    "kooperacja.assessment",
    "kooperacja.plans",
    "kooperacja.teams",
    "kooperacja.community",
    "kooperacja.learning",
    "kooperacja.evaluation",
    "kooperacja.api",
    # Last, so that our templates and Polish messages win over the admin's where both exist.
    "django.contrib.admin",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kooperacja.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kooperacja.core.middleware.PolishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kooperacja.core.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kooperacja.urls"
WSGI_APPLICATION = "kooperacja.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kooperacja.core.context_processors.shell",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kooperacja.sqlite3'}")
try:
    _default_db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0))
except Exception as error:  # dj-database-url raises several kinds for a malformed URL
    raise EnvError(f"DATABASE_URL is not a database URL this platform understands: {error}") from None
if _default_db["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the task worker write to the same file: WAL and immediate
    # transactions keep them from failing each other with "database is locked".
    _default_db["CONN_MAX_AGE"] = 0
    _default_db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif _default_db["ENGINE"] == "django.db.backends.postgresql":
    # The planner's default random_page_cost (4) prices disk seeks of spinning disks; with the
    # data on SSD or in memory, probing an index per row is as cheap as reading it in order.
    # With the default, the directory search hashes 130 000 search terms where 1 000 index
    # probes do (60 ms against 10 ms at 200 000 services, bench/README.md). A URL's own
    # `?options=` replaces this.
    _default_db.setdefault("OPTIONS", {}).setdefault("options", "-c random_page_cost=1.1")
else:
    raise EnvError("DATABASE_URL must point at PostgreSQL (postgres://…) or SQLite (sqlite:///…)")
DATABASES = {"default": _default_db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ---------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:start"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
REQUIRE_2FA = env_bool("REQUIRE_2FA", default=not DEBUG)
DEMO_PASSWORD = env_secret("DEMO_PASSWORD", "kooperacja-demo") or "kooperacja-demo"
INVITATION_DAYS = env_int("INVITATION_DAYS", 7, minimum=1)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_HOURS", 2, minimum=1) * 3600

# Idle timeout: the session expires after this many minutes without a request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "kooperacja.core.audit.client_ip"

# --- Security headers -------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Django's own CSRF page has inline styles that the CSP blocks; ours explains in Polish.
CSRF_FAILURE_VIEW = "kooperacja.core.views.errors.csrf_failure"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Behind a reverse proxy, the scheme and the client's address come from its headers.
BEHIND_PROXY = env_bool("BEHIND_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Strict policy: no inline script or style, nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- Language and formats ---------------------------------------------------
LANGUAGE_CODE = "pl"
# Each language is named in itself, as a language switch should show it.
LANGUAGES = [("pl", "Polski"), ("en", "English")]
LANGUAGE_COOKIE_NAME = "kooperacja_language"
LOCALE_PATHS: list[Path] = []  # each app keeps its own locale/pl
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["kooperacja.formats"]

# --- Static files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
DOCUMENTS_ROOT = Path(env_str("DOCUMENTS_ROOT", str(VAR_DIR / "documents")))
# Case documents: the largest upload accepted, in bytes.
DOCUMENT_MAX_BYTES = env_int("DOCUMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Case documents: outside the web root, no URL; served only through the access policy.
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DOCUMENTS_ROOT, "base_url": None, "file_permissions_mode": 0o600},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- E-mail -----------------------------------------------------------------
try:
    _email = dj_email_url.parse(env_str("EMAIL_URL", "console:" if DEBUG else "smtp://localhost:25"))
except Exception as error:  # dj-email-url raises several kinds for a malformed URL
    raise EnvError(f"EMAIL_URL is not an e-mail URL (smtp://, submission://, console:, …): {error}") from None
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = _email.get("EMAIL_TIMEOUT") or 30
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Kooperacja <noreply@kooperacja.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks (django-q2, ORM broker) -------------------------------
# A task that runs longer than TASK_TIMEOUT seconds is killed; the ORM broker hands a
# task out again when it is not acknowledged within "retry" seconds, so the work of a
# killed worker is re-queued. Tasks are idempotent, so running twice is safe.
TASK_TIMEOUT = env_int("TASK_TIMEOUT", 300, minimum=1)
Q_CLUSTER = {
    "name": "kooperacja",
    "orm": "default",
    "workers": env_int("TASK_WORKERS", 1, minimum=1),
    "timeout": TASK_TIMEOUT,
    "retry": TASK_TIMEOUT + 60,
    "max_attempts": env_int("TASK_MAX_ATTEMPTS", 3, minimum=1),
    # A task that raises is not acknowledged, so it is handed out again after "retry" seconds
    # until max_attempts; then it stays in the task view as failed, with its input.
    "ack_failures": False,
    "save_limit": 1000,
    "catch_up": False,
    "poll": 1,
    "label": _("Background tasks"),
    "sync": env_bool("TASKS_SYNC", default=False),
}

# --- API --------------------------------------------------------------------
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 365, minimum=1)
NINJA_PAGINATION_PER_PAGE = 50

# --- Audit ------------------------------------------------------------------
# Audit events older than this are removed by the daily retention job (whole months).
AUDIT_RETENTION_MONTHS = env_int("AUDIT_RETENTION_MONTHS", 60, minimum=1)

# --- Personal data (GDPR) ---------------------------------------------------
# Persons whose cases were all closed more than this many years ago are anonymised by the
# daily retention job (kooperacja/cases/gdpr.py).
CASE_RETENTION_YEARS = env_int("CASE_RETENTION_YEARS", 10, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # axes logs every successful login at INFO; failures stay visible as warnings.
        "axes": {"level": "WARNING"},
        # WeasyPrint reports every step and page of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
    },
}
