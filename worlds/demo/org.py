"""Demo organisation: four product groups, their EMs and QA leads, ~25 engineers, sprints.

The people and groups come from `demo_organization.yaml`, loaded the way `org_load` loads
any organisation file; the demo accounts then get the demo password.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from fleetops.org.models import SPRINT_LENGTH, ProductGroup, Sprint
from fleetops.org.orgfile.rules import org_file_parse
from fleetops.org.orgfile.services import organization_load
from fleetops.org.services import holiday_import, sprint_calendar_extend
from worlds.demo.context import DEMO_PASSWORD, DemoContext

DEMO_FILE = Path(__file__).resolve().parent / "demo_organization.yaml"

# The first sprint of the demo cadence; sprints are numbered from it.
SPRINT_ANCHOR = dt.date(2024, 1, 8)  # a Monday

TIME_ZONES = [
    "America/Los_Angeles",
    "America/Chicago",
    "America/New_York",
    "Europe/Berlin",
    "America/Sao_Paulo",
    "Europe/London",
    "Asia/Kolkata",
]


@cache
def _demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD)  # hashed once: 34 hashes would take seconds


def seed(ctx: DemoContext) -> None:
    User = get_user_model()
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@example.com", DEMO_PASSWORD)
    spec = org_file_parse(DEMO_FILE.read_text(encoding="utf-8"), str(DEMO_FILE.name))
    organization_load(spec=spec)
    logins = [person.login for person in spec.people]
    User.objects.filter(username__in=logins, password__startswith="!").update(
        password=_demo_password_hash()  # org_load makes accounts without a password
    )
    people = len(logins)
    # The later demo seeders draw from the same generator; the file's time zones are the
    # draws this seeder once made, and drawing them again keeps the rest of the demo as it was.
    for _ in logins:
        ctx.rng.choice(TIME_ZONES)

    # Sprints: three weeks each on the anchor's cadence, from ~3 months back to 3 months ahead.
    first = SPRINT_ANCHOR + SPRINT_LENGTH * max(
        (ctx.today - SPRINT_ANCHOR - dt.timedelta(weeks=13)) // SPRINT_LENGTH, 0
    )
    if not Sprint.objects.exists():
        number = (first - SPRINT_ANCHOR) // SPRINT_LENGTH + 1
        Sprint.objects.create(
            number=number, starts_on=first, ends_on=first + SPRINT_LENGTH - dt.timedelta(days=1)
        )
    sprint_calendar_extend(through=ctx.today + dt.timedelta(weeks=13))
    holiday_import(years=[ctx.today.year, ctx.today.year + 1])
    ctx.summary.append(
        f"organisation: {ProductGroup.objects.count()} product groups, {people} people, "
        f"{Sprint.objects.count()} sprints"
    )
