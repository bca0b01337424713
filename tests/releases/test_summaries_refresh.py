"""After a mirror change a worker recomputes what the release and on-call pages store, so
their next viewer computes nothing (ADR 0022)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fleetops.github.models import MirrorSummary
from fleetops.github.stamp import mirror_stamp, stamp_move
from fleetops.github.summaries import summaries_refresh_now
from fleetops.github.tasks import mirror_summaries_refresh_task

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/releases/4.75.0/", "/releases/4.75.0/hygiene/", "/oncall/"])
def test_after_a_refresh_the_next_view_reads_what_was_stored(org, client, url):
    client.force_login(org["outsider"])
    _queries(client, url)
    steady = _queries(client, url)  # everything stored: the view reads it
    stamp_move()  # a webhook changed the mirror
    assert _queries(client, url) > steady  # without a refresh, the viewer computes
    stamp_move()
    summaries = summaries_refresh_now()
    assert not any(s.startswith("failed") for s in summaries), summaries
    assert MirrorSummary.objects.filter(stamp=mirror_stamp()).count() >= 4
    assert _queries(client, url) == steady


def test_the_task_names_what_it_refreshed(org):
    stamp_move()
    result = mirror_summaries_refresh_task()
    assert "releases: 1 in flight" in result
    assert "community:" in result
