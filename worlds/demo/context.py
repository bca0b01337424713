"""What every demo seeder shares: the moment, the random stream and the summary lines."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.utils import timezone

from fleetops.org.models import process_time_zone

DEMO_PASSWORD = "fleetops-demo"


@dataclass
class DemoLogin:
    username: str
    role: str


@dataclass
class DemoContext:
    now: dt.datetime
    rng: random.Random
    summary: list[str] = field(default_factory=list)

    @property
    def today(self) -> dt.date:
        return timezone.localtime(self.now, process_time_zone()).date()
