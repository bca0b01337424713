"""No page's SQL query count grows with the data (no N+1): checked at two data sizes."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.endpoints import endpoints
from worlds.scale.seed import scale_seed


def _measure() -> dict[str, tuple[int, int]]:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.filter(is_staff=True).first())
    counts = {}
    for endpoint in endpoints():
        headers = {"HX-Request": "true"} if endpoint.htmx else {}
        client.get(endpoint.url, headers=headers)  # warm caches that are per process
        with CaptureQueriesContext(connection) as queries:
            status = client.get(endpoint.url, headers=headers).status_code
        counts[endpoint.name] = (status, len(queries))
    return counts


@pytest.mark.django_db(transaction=True)
def test_query_counts_do_not_grow_with_the_data():
    scale_seed(issues=150, seed=3)
    small = _measure()
    call_command("flush", interactive=False, verbosity=0)
    scale_seed(issues=900, seed=4)
    large = _measure()
    assert set(small) == set(large)
    bad_status = {name: s for name, (s, _) in large.items() if s != 200}
    assert not bad_status, bad_status
    grew = {
        name: (small[name][1], large[name][1]) for name in small if large[name][1] != small[name][1]
    }
    assert not grew, f"queries at 150 vs 900 issues: {grew}"
