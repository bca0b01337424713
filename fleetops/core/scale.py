"""A Fleet-scale organisation for benchmarks: `manage.py seed_scale`.

Each installed app may have a `scale` module with `seed(ctx: ScaleContext)`, run in
INSTALLED_APPS order (like the demo data). Rows are bulk-inserted, deterministically from
`--seed`, into an empty database: this is for measuring, not for using.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from importlib import import_module, util

from django.apps import apps
from django.utils import timezone


@dataclass
class ScaleContext:
    issues: int
    seed: int
    now: dt.datetime
    rng: random.Random
    timings: dict[str, float] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)

    @property
    def today(self) -> dt.date:
        from fleetops.org.models import process_time_zone

        return timezone.localtime(self.now, process_time_zone()).date()


def scale_seeders() -> list[tuple[str, object]]:
    seeders = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.scale"
        if config.name != __name__.rsplit(".", 1)[0] and util.find_spec(module_name) is not None:
            seeders.append((config.label, import_module(module_name).seed))
    return seeders


def scale_seed(
    *, issues: int = 40_000, seed: int = 1, now: dt.datetime | None = None
) -> ScaleContext:
    """Fill an empty database with a Fleet-scale organisation, app by app."""
    import time

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
