"""A Fleet-scale organisation for benchmarks: `manage.py seed_scale`.

One seeder per installed app, run in INSTALLED_APPS order (like the demo data). Rows are
bulk-inserted, deterministically from `--seed`, into an empty database: this is for
measuring, not for using.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable

from django.apps import apps
from django.utils import timezone

from worlds.scale import github, kpis, oncall, org, releases
from worlds.scale.context import ScaleContext

SEEDERS: dict[str, Callable[[ScaleContext], None]] = {
    "fleetops.org": org.seed,
    "fleetops.github": github.seed,
    "releases": releases.seed,
    "oncall": oncall.seed,
    "kpis": kpis.seed,
}


def scale_seeders() -> list[tuple[str, Callable[[ScaleContext], None]]]:
    """The seeders of the installed apps, in app order."""
    return [
        (config.label, SEEDERS[config.name])
        for config in apps.get_app_configs()
        if config.name in SEEDERS
    ]


def scale_seed(
    *, issues: int = 40_000, seed: int = 1, now: dt.datetime | None = None
) -> ScaleContext:
    """Fill an empty database with a Fleet-scale organisation, app by app."""
    ctx = ScaleContext(
        issues=issues,
        seed=seed,
        now=now or timezone.now().replace(microsecond=0),
        rng=random.Random(seed),
    )
    for label, seeder in scale_seeders():
        started = time.perf_counter()
        seeder(ctx)
        ctx.timings[label] = round(time.perf_counter() - started, 2)
    return ctx
