"""The one settings module. Every knob is read here, from the environment, once.

The environment variables are documented in README.md (a test checks that each one is).
"""

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _flag(name: str) -> bool:
    return _env(name).lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(_env("SAMPAN_DATA_DIR", "./sampan-data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)


def _secret_key() -> str:
    configured = _env("SAMPAN_SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        # Written once with owner-only permissions; `sampan backup` carries it along.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _flag("SAMPAN_DEBUG")

SITE_URL = _env("SAMPAN_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
_site = urlsplit(SITE_URL)
ALLOWED_HOSTS = [h for h in {_site.hostname or "", "127.0.0.1", "localhost", "[::1]"} if h]
ALLOWED_HOSTS += [h.strip() for h in _env("SAMPAN_ALLOWED_HOSTS").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [f"{_site.scheme}://{_site.netloc}"]
if _site.scheme == "https":
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365  # browsers then never try plain HTTP (docs/privacy.md)

INSTALLED_APPS = [
    "sampan.theme",  # first, so its templates (admin look, 404) win
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_tasks",
    "django_tasks_db",
    "sampan.core",
    "sampan.blog",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "sampan.readers",  # signed-in readers (docs/readers.md); the reader-interaction apps build on it
    "sampan.readers.indieauth",  # allauth providers of our own: sign in with your website,
    "sampan.readers.fediverse",  # or with a Mastodon-compatible account
    "sampan.comments",
    "sampan.mentions",
    "sampan.followers",
    "sampan.porting",
    "sampan.likes",
    "sampan.stats",
    "sampan.api",
    "sampan.security",
    "sampan.privacy",  # reads the other apps' settings for the privacy page; owns the retention periods
]

MIDDLEWARE = [
    "sampan.stats.recorder.CountingMiddleware",  # counts page views Django answers (first: sees them all)
    "django.middleware.security.SecurityMiddleware",
    "sampan.core.security_headers.SecurityHeaders",  # CSP and Permissions-Policy on every response
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sampan.core.middleware.BadRequestGuard",
    "sampan.api.rest.head.HeadAsGet",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sampan.core.pagecache.PageCacheMiddleware",
    "sampan.comments.held.ForgetPostedNotice",  # the manage link shown once after posting
    "sampan.mentions.middleware.MentionEndpoints",  # Link and X-Pingback headers, kept by the page cache
    "sampan.porting.middleware.OldLinks",  # an imported blog's old addresses, before the blog's own
]

ROOT_URLCONF = "sampan.urls"
WSGI_APPLICATION = "sampan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sampan.core.context_processors.site",
                "sampan.theme.context_processors.theme",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        _env("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'sampan.sqlite3'}", conn_max_age=600
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers (every server process) go on while the worker writes.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A small pool per server process, shared by its threads, instead of one connection kept per thread.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": 1, "max_size": 8, "timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _cache() -> dict:
    url = _env("SAMPAN_CACHE_URL")
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": url, "KEY_PREFIX": "sampan"}
    if url.startswith("file://"):
        return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": url[7:]}
    # Shared by every process on the machine (servers, worker, CLI), unlike a per-process memory cache.
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
        "OPTIONS": {"MAX_ENTRIES": 20000},
    }


CACHES = {"default": _cache()}
PAGE_CACHE_SECONDS = int(_env("SAMPAN_PAGE_CACHE_SECONDS", "600"))

# First-party stats (docs/stats.md): counted in the server, spooled to files, written by the worker in batches.
STATS_ENABLED = _env("SAMPAN_STATS", "on").lower() not in {"0", "off", "false", "no"}
STATS_FLUSH_SECONDS = float(_env("SAMPAN_STATS_FLUSH_SECONDS", "5"))
STATS_RAW_DAYS = int(_env("SAMPAN_STATS_RAW_DAYS", "7"))
STATS_ROLLUP_SECONDS = float(_env("SAMPAN_STATS_ROLLUP_SECONDS", "300"))
STATS_SPOOL_DIR = DATA_DIR / "stats-spool"
STATS_GEOIP_PATH = _env("SAMPAN_GEOIP_PATH")  # a local MaxMind-format country database; none by default


def _email() -> dict:
    url = _env("SAMPAN_EMAIL_URL")
    if not url:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(DATA_DIR / "outbox"),
        }
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": query.get("tls", ["0"])[0] in {"1", "true"},
        "EMAIL_TIMEOUT": 20,
    }


globals().update(_email())
DEFAULT_FROM_EMAIL = _env("SAMPAN_FROM_EMAIL", f"blog@{_site.hostname or 'localhost'}")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
OUTBOUND_ALLOW_LOOPBACK = _flag("SAMPAN_OUTBOUND_ALLOW_LOOPBACK")
# Nothing leaves this machine: the fetcher behaves as if offline (an air-gapped site; the test suite, whose
# posts with outside links would otherwise send mentions as a live site does).
OUTBOUND_OFFLINE = _flag("SAMPAN_OUTBOUND_OFFLINE")

# Argon2 first: new and changed passwords use it, and older hashes are upgraded when their writer signs in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Every staff account must use two-step sign-in (docs/security.md); without it, those who turned it on do.
REQUIRE_2FA = _flag("SAMPAN_REQUIRE_2FA")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = _env("SAMPAN_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 3600
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
MAX_UPLOAD_IMAGE_BYTES = 20 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 14 * 24 * 3600
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Only the site's own origin, for everything (docs/privacy.md); no nonces, so cached pages stay valid.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
LOGIN_URL = "/admin/login/"

# Readers sign in through allauth (docs/readers.md): by emailed code, never with a password; the site's staff sign
# in at /admin/ with their own lockout and two-step codes, which the readers' ways in never bypass.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
SOCIALACCOUNT_STORE_TOKENS = False  # no provider tokens are kept: each is used once, then revoked or dropped
# Readers only (never a staff session), same-site redirects only, the blog's own plain-text mails.
ACCOUNT_ADAPTER = "sampan.readers.adapter.ReaderAccountAdapter"
SOCIALACCOUNT_ADAPTER = "sampan.readers.adapter.ReaderSocialAdapter"
# One form for new and returning readers: an unknown address gets a reader account, then the same code.
ACCOUNT_FORMS = {"request_login_code": "sampan.readers.forms.EmailCodeForm"}
ACCOUNT_EMAIL_VERIFICATION = "optional"  # the code itself proves the address (allauth marks it verified)
ACCOUNT_PREVENT_ENUMERATION = True  # every address sees the same "type the code" page
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3  # three wrong codes and that code is gone: start again
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_LOGOUT_ON_GET = False  # signing out is a POST: a link on another site cannot sign a reader out
ACCOUNT_RATE_LIMITS = {
    # per client (allauth keys "ip" by the address; the counters live in the cache, never in the database)
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "request_login_code": "10/m/ip,3/m/key,10/h/key",
    "confirm_email": "1/3m/key",
}
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # outside identities carry no address of ours to check
SOCIALACCOUNT_EMAIL_REQUIRED = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # an outside identity never takes over an email reader's account
# Passkeys (docs/readers.md, "Your account"): a way in of their own, added on /accounts/you/, used from the sign-in
# page; a resident key with user verification. No TOTP or recovery codes for readers (staff have /admin/'s).
MFA_SUPPORTED_TYPES = ["webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_REAUTHENTICATION_REQUIRED = False  # no password to re-enter; passkeys.py asks for a fresh sign-in instead
MFA_ADAPTER = "sampan.readers.passkeys.PasskeyAdapter"
MFA_FORMS = {"add_webauthn": "sampan.readers.passkeys.AddPasskeyForm"}  # added only after a fresh sign-in
# allauth's own templates come before the readers app's in INSTALLED_APPS; ours (the blog's look) win from here.
TEMPLATES[0]["DIRS"] = [BASE_DIR / "readers" / "templates"]
# allauth's pages name the host `site`; the theme's base template needs the blog's site settings under that name.
MIDDLEWARE.insert(
    MIDDLEWARE.index("allauth.account.middleware.AccountMiddleware") + 1,
    "sampan.readers.middleware.BlogSiteInAllauthPages",
)
# OpenID Connect providers are rows the owner adds in the admin (none by default: off). PKCE and a nonce on every
# sign-in; allauth's own requests go through the outbound fetcher (sampan/readers/oidc.py, docs/readers.md).
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "SCOPE": ["openid", "profile", "email"],
        "provider_class": "sampan.readers.oidc.ReaderOpenIDConnectProvider",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": _env("SAMPAN_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
