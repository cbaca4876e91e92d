"""The production settings, with static files collected into the test run's own folder.

The browser tests serve the site exactly as `make run` does (DEBUG off, whitenoise,
manifest storage); only STATIC_ROOT moves, so runs in parallel never share one.
"""

import os
from pathlib import Path

from newsroom.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["NEWSROOM_TEST_STATIC_ROOT"])
