"""The bench settings with every cache lookup missing: each request renders the
thread, which is what a cold cache costs under load. The app has no switch of its own."""

from bench.settings import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
