"""Newsroom settings, read from the environment with safe development defaults.

Production is any run with DJANGO_DEBUG off: it refuses to start without
DJANGO_SECRET_KEY, and turns on HTTPS-only cookies and HSTS unless
DJANGO_HTTPS=0 says the site is served over plain HTTP (as `make run` does
on 127.0.0.1).
"""

import os
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from newsroom.email_url import parse_email_url
from newsroom.env import env_bool, env_choice, env_float, env_int, env_list, env_networks

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it (production), or set DJANGO_DEBUG=1 for "
            "development; `make run` creates a local key in .secret_key for you."
        )
    SECRET_KEY = "django-insecure-development-only-key"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.syndication",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "mptt",
    "allauth",
    "allauth.account",
    "django_tasks",
    "articles",
    "readers",
    "comments",
    # After comments, whose db_worker (the same, starting the delivery passes) wins.
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsroom.middleware.ContentSecurityPolicyMiddleware",
    "newsroom.middleware.PrivateMessagesMiddleware",
    "newsroom.middleware.UnreadableFormMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
            ],
            "libraries": {"times": "newsroom.times"},
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers share one file: WAL lets readers run beside the
    # writer, IMMEDIATE takes the write lock at BEGIN so tree writes serialise
    # instead of failing on lock upgrade, and the timeout makes writers queue.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {
            # Serves misses while Redis is down (see newsroom/cache.py). Short
            # timeouts bound what a Redis that stops answering costs the one
            # request that finds out; the next ones skip it for a second.
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# NEWSROOM_TIME_ZONE: the zone pages show times in, saying which (newsroom/times.py).
TIME_ZONE = os.environ.get("NEWSROOM_TIME_ZONE", "").strip() or "UTC"
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (ValueError, zoneinfo.ZoneInfoNotFoundError):
    raise ImproperlyConfigured(f"NEWSROOM_TIME_ZONE: no time zone {TIME_ZONE!r}") from None
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Readers sign in with their email address (allauth), staff in the admin with
# their username. Both backends load the reader's profile with the user, so
# showing the signed-in name costs no query.
AUTHENTICATION_BACKENDS = [
    "readers.backends.EmailBackend",
    "readers.backends.UsernameBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# Security headers. HTTPS-only settings follow DJANGO_HTTPS, which defaults to
# on in production; `make run` serves plain HTTP on 127.0.0.1 and turns it off.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("DJANGO_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_PROXY", False) else None
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
CSRF_FAILURE_VIEW = "newsroom.errors.csrf_failure"  # keeps the refused form's text

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "newsroom": {
            "handlers": ["console"],
            "level": os.environ.get("NEWSROOM_LOG_LEVEL", "INFO"),
        },
    },
}

# Mail: EMAIL_BACKEND and the EMAIL_* settings it needs, from one URL
# (newsroom/email_url.py; README, "Accounts"). Unset, it is Django's default.
globals().update(parse_email_url(os.environ.get("EMAIL_URL", "") or "smtp://localhost:25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "") or "webmaster@localhost"
# Without a timeout a mail server that stops answering holds a request, or the
# notification worker, forever; the worker retries what timed out.
EMAIL_TIMEOUT = 10

# Background tasks (django-tasks, Django 6's django.tasks backported): the
# database backend, run by `manage.py db_worker` (`make run` starts one). README,
# "Notifications", shows the Redis settings (django-tasks-rq).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Reader accounts (django-allauth): see README, "Accounts" and "Security".
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_FORMS = {"signup": "readers.forms.SignupForm"}
ACCOUNT_ADAPTER = "readers.adapter.AccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = env_choice(
    "NEWSROOM_ACCOUNT_EMAIL_VERIFICATION", ("mandatory", "optional"), "mandatory"
)
ACCOUNT_UNIQUE_EMAIL = True
# One address per account; a new one replaces it once verified.
ACCOUNT_CHANGE_EMAIL = True
# The link in the message opens a page whose button confirms: mail scanners
# that follow links must not verify an address.
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Newsroom] "
ACCOUNT_USER_DISPLAY = "readers.names.user_display"
# Counted in the cache: across gunicorn workers only with REDIS_URL. Per
# address: behind the proxy DJANGO_BEHIND_PROXY trusts, the one it appended
# to X-Forwarded-For, or every reader would share the proxy's.
ALLAUTH_TRUSTED_PROXY_COUNT = 1 if env_bool("DJANGO_BEHIND_PROXY", False) else 0
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}

# Newsroom's own behaviour: see README, "Configuration".
NEWSROOM_THREADS_PER_PAGE = env_int("NEWSROOM_THREADS_PER_PAGE", 50)
NEWSROOM_COMMENTS_PER_PAGE = env_int("NEWSROOM_COMMENTS_PER_PAGE", 300)
NEWSROOM_MAX_VISIBLE_DEPTH = env_int("NEWSROOM_MAX_VISIBLE_DEPTH", 8)
NEWSROOM_ARTICLES_PER_PAGE = env_int("NEWSROOM_ARTICLES_PER_PAGE", 20)
NEWSROOM_MAX_BODY_LENGTH = 5000
NEWSROOM_POSTS_PER_MINUTE = env_int("NEWSROOM_POSTS_PER_MINUTE", 5)
NEWSROOM_PREMODERATION = env_bool("NEWSROOM_PREMODERATION", False)
# Seconds after posting during which a reader may edit their comment.
NEWSROOM_EDIT_WINDOW = env_int("NEWSROOM_EDIT_WINDOW", 900)
# A new account's or guest's first comment waits until one is approved (comments.trust).
NEWSROOM_PREMODERATE_NEWCOMERS = env_bool("NEWSROOM_PREMODERATE_NEWCOMERS", True)
# Who may comment where an article does not say: "anyone", or "accounts" only.
NEWSROOM_COMMENTERS = env_choice("NEWSROOM_COMMENTERS", ("anyone", "accounts"), "anyone")
NEWSROOM_MAX_LINKS = env_int("NEWSROOM_MAX_LINKS", 2)
NEWSROOM_BLOCKED_WORDS = env_list("NEWSROOM_BLOCKED_WORDS", "")
NEWSROOM_WATCHED_WORDS = env_list("NEWSROOM_WATCHED_WORDS", "")
NEWSROOM_REPORT_THRESHOLD = env_int("NEWSROOM_REPORT_THRESHOLD", 3)
NEWSROOM_REPORTS_PER_MINUTE = env_int("NEWSROOM_REPORTS_PER_MINUTE", 10)
# Respects one reader may give a minute, and the seconds a shown count may lag
# behind them (articles.pagecache: a page re-renders at most twice in that time).
NEWSROOM_RESPECTS_PER_MINUTE = env_int("NEWSROOM_RESPECTS_PER_MINUTE", 30)
NEWSROOM_RESPECTS_EPOCH = max(env_int("NEWSROOM_RESPECTS_EPOCH", 5), 1)
# The most comments one bulk action in the admin changes, so that it ends well
# inside gunicorn's 30 s timeout (bench/moderation.py); the admin says how many
# more a repeat would change.
NEWSROOM_BULK_ACTION_LIMIT = env_int("NEWSROOM_BULK_ACTION_LIMIT", 100_000)
# The proxies in front of the site, whose X-Forwarded-For names the client
# (newsroom.client). Empty: every request's peer is its client. ``unix`` trusts
# a proxy on gunicorn's Unix socket, whose requests carry no peer address.
NEWSROOM_TRUSTED_PROXIES = env_networks("NEWSROOM_TRUSTED_PROXIES")
NEWSROOM_TRUST_UNIX_SOCKET = "unix" in env_list("NEWSROOM_TRUSTED_PROXIES", "")
# Where the site is reached from outside: mail's links are absolute from it.
NEWSROOM_SITE_URL = os.environ.get("NEWSROOM_SITE_URL", "").strip().rstrip("/") or (
    "http://127.0.0.1:8000"
)
# nginx's purge listener (deploy/nginx/newsroom-purge.conf), e.g. http://127.0.0.1:8081:
# each discussion write drops the article's cached pages there (articles.frontcache).
# Empty: nothing is purged, and a page behind nginx is at most a second old.
NEWSROOM_PURGE_URL = os.environ.get("NEWSROOM_PURGE_URL", "").strip().rstrip("/")
# Reply notifications: at most one message per reader per thread in this many
# minutes (decimals allowed); the first goes at once, later ones wait and go together.
NEWSROOM_NOTIFY_MINUTES = env_float("NEWSROOM_NOTIFY_MINUTES", 10)
# How long a worker's claim on the messages it is sending holds before another may
# send them in its place (a worker killed mid-send leaves it behind); a pass stops
# sending at half of it, so keep it several times EMAIL_TIMEOUT.
NEWSROOM_NOTIFY_LEASE_SECONDS = env_int("NEWSROOM_NOTIFY_LEASE_SECONDS", 120)
# How often the worker looks for replies to tell and messages due (comments.tasks):
# the longest a first reply's message waits.
NEWSROOM_NOTIFY_PASS_SECONDS = env_float("NEWSROOM_NOTIFY_PASS_SECONDS", 1)
