"""Settings for the test suite: fast hashing, isolated caches, a fixed key."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-" + "x" * 40)
os.environ.setdefault("DJANGO_HTTPS", "0")

from newsroom.settings import *  # noqa: F403
from newsroom.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Lets parallel runs against one PostgreSQL server use separate test databases.
if os.environ.get("DJANGO_TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["DJANGO_TEST_DB_NAME"]}  # noqa: F405

# Serve static files from the app and project folders, without collectstatic.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True

# Most tests post as a reader seen for the first time and expect the comment
# published; tests/test_trust.py turns newcomers' pre-moderation on.
NEWSROOM_PREMODERATE_NEWCOMERS = False

# Mail stays in memory (django.core.mail.outbox); tests that need SMTP say so.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Tasks are kept, not run: tests run the ones they mean to (tests/notifications).
TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
