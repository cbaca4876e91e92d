import os

import pytest
from django.test import Client

from comments.integrity import check_tree


@pytest.fixture
def assert_tree_sound():
    """Call after tree writes: fails with every broken nested-set invariant."""

    def check():
        problems = check_tree()
        assert problems == [], "\n".join(problems)

    return check


def pytest_report_header(config):
    url = os.environ.get("DATABASE_URL", "")
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    return f"newsroom database: {engine}"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rolled-back tests reuse article ids and discussion versions, so cached
    threads from one test would otherwise answer the next."""
    from django.core.cache import cache

    from comments import desk_rules

    cache.clear()
    desk_rules.forget()


@pytest.fixture
def reader():
    """A reader's browser: a client that checks CSRF tokens as the site does for visitors."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def moderator(db):
    """A staff member in the Moderators group, as README tells how to make one."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("mod", password="change-me-please", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def desk(client, moderator):
    """A client logged into the admin as the moderator."""
    client.force_login(moderator)
    return client


@pytest.fixture
def quiet_rules(settings):
    """Every posting rule off except the one a test turns on (the rules tests use it)."""
    settings.NEWSROOM_PREMODERATION = False
    settings.NEWSROOM_MAX_LINKS = 2
    settings.NEWSROOM_BLOCKED_WORDS = []
    settings.NEWSROOM_WATCHED_WORDS = []
    settings.NEWSROOM_POSTS_PER_MINUTE = 0
