"""Results stored per mirror stamp: read while the stamp stands, recomputed once it moves."""

from __future__ import annotations

import pytest
from django.db import DatabaseError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fleetops.github import stamp
from fleetops.github.models import MirrorSummary
from fleetops.github.summaries import _store, mirror_summary, summary_key

pytestmark = pytest.mark.django_db


class Counting:
    """A computation that says how often it ran."""

    def __init__(self, value) -> None:
        self.value, self.calls = value, 0

    def __call__(self):
        self.calls += 1
        return self.value


def test_computed_once_per_stamp(django_assert_num_queries):
    compute = Counting({"#g-mdm": 3})
    assert mirror_summary("counts", compute) == {"#g-mdm": 3}
    with django_assert_num_queries(1):
        assert mirror_summary("counts", compute) == {"#g-mdm": 3}
    assert compute.calls == 1
    stamp.stamp_move()  # a sync or webhook committed a change
    compute.value = {"#g-mdm": 4}
    assert mirror_summary("counts", compute) == {"#g-mdm": 4}
    assert compute.calls == 2
    assert MirrorSummary.objects.get(key="counts").stamp == stamp.mirror_stamp()


def test_a_result_from_an_older_stamp_does_not_replace_a_newer_one():
    """A slow view that read the stamp before a write finishes after a fast one that read it
    after: the slow one's result is dropped."""
    stamp.stamp_move()
    slow = stamp.mirror_stamp()
    stamp.stamp_move()
    assert mirror_summary("counts", lambda: "new") == "new"
    _store("counts", slow, "old", 1)
    row = MirrorSummary.objects.get(key="counts")
    assert (row.value, row.stamp) == (["new"], slow + 1)


def test_keys_differ_by_every_parameter():
    assert summary_key("board", "a", ["x"], "b") != summary_key("board", "a", ["x"], "c")
    assert summary_key("board", "a", ["x", "y"]) != summary_key("board", "a", ["y", "x"])
    assert summary_key("board") == "board"
    assert len(summary_key("board.group_counts", "r" * 500, list(range(100)))) < 200


def test_a_failed_store_still_answers(monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(MirrorSummary.objects, "create", broken)
    assert mirror_summary("counts", lambda: [1, 2]) == [1, 2]
    assert not MirrorSummary.objects.filter(key="counts").exists()
    assert mirror_summary("counts", lambda: [1, 2, 3]) == [1, 2, 3]  # not stored: computed


# PostgreSQL's jsonb holds no NUL character (nor do the mirror's text columns it comes from).
text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=20)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner),
    max_leaves=12,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=json_values)
def test_stored_and_fresh_results_look_the_same(value):
    """What a view gets does not depend on whether it computed or read the result."""
    stamp.stamp_move()
    fresh = mirror_summary("any", lambda: value)
    stored = mirror_summary("any", lambda: pytest.fail("computed twice"))
    assert fresh == stored
    assert MirrorSummary.objects.get(key="any").value == [stored]


@pytest.mark.parametrize("odd", [{"counts": 1}, [], [1, 2], "text", {}])
def test_a_row_in_an_unexpected_shape_is_computed_again(odd):
    """No stored row, however odd, breaks a page: it is ignored and replaced."""
    stamp.stamp_move()
    MirrorSummary.objects.create(
        key="counts", stamp=stamp.mirror_stamp(), value=odd, computed_at="2026-12-01T00:00Z"
    )
    assert mirror_summary("counts", lambda: {"#g-mdm": 2}) == {"#g-mdm": 2}
    assert mirror_summary("counts", lambda: pytest.fail("stored")) == {"#g-mdm": 2}


@pytest.mark.summaries_refresh
def test_writes_queue_one_refresh_until_it_starts(
    monkeypatch, settings, django_capture_on_commit_callbacks
):
    """Many writes, one queued refresh; a refresh that starts lets the next write queue."""
    from django.core.cache import cache

    from fleetops.github import summaries

    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.delete(summaries.REFRESH_PENDING)
    sent = []
    monkeypatch.setattr(summaries.current_app, "send_task", lambda name, **kw: sent.append(name))
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            stamp.mirror_changed()
    assert sent == [summaries.REFRESH_TASK]
    summaries.summaries_refresh_now()
    with django_capture_on_commit_callbacks(execute=True):
        stamp.mirror_changed()
    assert len(sent) == 2
    settings.CELERY_TASK_ALWAYS_EAGER = True  # `make run`: the first view computes instead
    cache.delete(summaries.REFRESH_PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        stamp.mirror_changed()
    assert len(sent) == 2


@pytest.mark.summaries_refresh
def test_a_broker_that_is_down_loses_only_the_refresh(
    monkeypatch, settings, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from fleetops.github import summaries

    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.delete(summaries.REFRESH_PENDING)

    def down(name, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(summaries.current_app, "send_task", down)
    before = stamp.mirror_stamp()
    with django_capture_on_commit_callbacks(execute=True):
        stamp.mirror_changed()
    assert stamp.mirror_stamp() == before + 1


@pytest.mark.django_db(transaction=True)
def test_viewers_who_miss_together_wait_for_one_computation():
    """After a change every polling viewer misses at once: one computes, the others wait
    for its row (PostgreSQL); elsewhere each computes, and all get the same answer."""
    import threading
    import time as clock

    from django.db import connection, connections

    stamp.stamp_move()
    calls = []

    def slow():
        calls.append(1)
        clock.sleep(0.3)
        return {"#g-mdm": 7}

    answers = []

    def viewer():
        try:
            answers.append(mirror_summary("counts", slow))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=viewer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert answers == [{"#g-mdm": 7}] * 4
    if connection.vendor == "postgresql":
        assert len(calls) == 1


def test_a_receiver_that_fails_does_not_stop_the_others():
    from fleetops.github.signals import summaries_refresh
    from fleetops.github.summaries import summaries_refresh_now

    def broken(sender, **kwargs):
        raise RuntimeError("hygiene exploded")

    def fine(sender, **kwargs):
        return "fine: 3 stored"

    summaries_refresh.connect(broken, dispatch_uid="test-broken")
    summaries_refresh.connect(fine, dispatch_uid="test-fine")
    try:
        done = summaries_refresh_now()
    finally:
        summaries_refresh.disconnect(dispatch_uid="test-broken")
        summaries_refresh.disconnect(dispatch_uid="test-fine")
    assert "failed: hygiene exploded" in done
    assert "fine: 3 stored" in done
