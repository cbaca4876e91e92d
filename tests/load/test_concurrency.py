"""Issue 5, scenarios 1 and 2: a rush of posters and readers, with and without a moderator."""

import json

import pytest

from tests.load.conftest import FIGURES
from tests.load.traffic import Traffic

pytestmark = pytest.mark.load


def saved_parents(state: dict) -> dict[int, int | None]:
    return {int(pk): parent for pk, (parent, *__) in state["comments"].items()}


def test_rush_of_posters_and_readers_saves_every_acknowledged_comment_in_sound_trees(
    site, engine_label
):
    database, server, slug = site
    outcome = Traffic(server.url, slug).run()
    FIGURES.append(outcome.figures(f"{engine_label}: 20 posters x 50 posts, 10 readers"))

    assert outcome.server_errors() == {}
    assert outcome.statuses == {303: 1000}
    assert outcome.reads.keys() == {200}
    state = database.tool("state")
    assert state["problems"] == []
    assert saved_parents(state) == outcome.acknowledged


def test_moderator_removing_restoring_approving_and_rebuilding_during_the_rush_loses_no_reply(
    site, engine_label, tmp_path
):
    database, server, slug = site
    stop = tmp_path / "stop-moderating"
    moderator = database.spawn("-m", "tests.load.dbtool", "moderate", str(stop))
    try:
        outcome = Traffic(server.url, slug, held_share=0.05).run()
    finally:
        stop.touch()
        out, err = moderator.communicate(timeout=60)
    FIGURES.append(outcome.figures(f"{engine_label}: the same with a moderator at work"))
    assert moderator.returncode == 0, err
    done = json.loads(out)
    assert all(done[action] > 0 for action in ("remove", "restore", "approve", "rebuild")), done

    assert outcome.server_errors() == {}
    assert outcome.reads.keys() == {200}
    # A reply to a comment the moderator just removed is refused with a form error.
    assert outcome.statuses.keys() <= {303, 400}
    assert all(post.parent is not None for post in outcome.posts if post.status == 400)
    state = database.tool("state")
    assert state["problems"] == []
    assert saved_parents(state) == outcome.acknowledged
