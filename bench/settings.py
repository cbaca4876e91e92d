"""Newsroom's own settings, plus the trivial view the load figures are compared with.

Static files are collected under /tmp (BENCH_STATIC_ROOT), not into the project,
because pages with DEBUG off need the manifest that collectstatic writes.
"""

import os

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
