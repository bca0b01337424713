"""Fleet-scale on-call: one rotation of 24 engineers for three years, with overrides."""

from __future__ import annotations

import datetime as dt

from fleetops.org.models import Person
from oncall.models import Override, Rotation, RotationMember
from worlds.scale.context import ScaleContext

MEMBERS = 24


def seed(ctx: ScaleContext) -> None:
    people = list(Person.objects.order_by("github_login")[:MEMBERS])
    monday = ctx.today - dt.timedelta(days=ctx.today.weekday())
    rotation = Rotation.objects.create(
        name="Developer on-call",
        starts_on=monday - dt.timedelta(weeks=156),
        handoff_weekday=0,
        handoff_time=dt.time(9, 0),
        shift_weeks=1,
    )
    RotationMember.objects.bulk_create(
        RotationMember(rotation=rotation, person=person, position=position)
        for position, person in enumerate(people)
    )
    start = dt.datetime.combine(monday, dt.time(17), tzinfo=dt.UTC)
    overrides = [
        Override(
            rotation=rotation,
            person=people[(n * 7) % len(people)],
            starts_at=start + dt.timedelta(weeks=n - 100, days=2),
            ends_at=start + dt.timedelta(weeks=n - 100, days=3),
            note="Covering (scale data)",
        )
        for n in range(0, 110, 3)
    ]
    Override.objects.bulk_create(overrides)
    ctx.summary.append(f"on-call: 1 rotation of {len(people)}, {len(overrides)} overrides")
