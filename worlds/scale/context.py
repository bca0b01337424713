"""What every scale seeder shares: the size, the moment, the random stream, the timings."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.utils import timezone

from fleetops.org.models import process_time_zone


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
        return timezone.localtime(self.now, process_time_zone()).date()
