"""Fleet-scale organisation: 8 product groups, 60 people, 3 years of sprints."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from fleetops.org.models import SPRINT_LENGTH, Person, ProductGroup, Sprint
from fleetops.org.services import holiday_import
from worlds.scale.context import ScaleContext

GROUPS = [
    ("MDM", "mdm", 102),
    ("Software", "software", 102),
    ("Orchestration", "orchestration", 49),
    ("Security & compliance", "security-compliance", 102),
    ("Endpoint ops", "endpoint-ops", 102),
    ("Integrations", "integrations", 80),
    ("Platform", "platform", 90),
    ("Website", "website", 60),
]
PEOPLE = 60
PASSWORD = "fleetops-scale"


def seed(ctx: ScaleContext) -> None:
    User = get_user_model()
    hashed = make_password(PASSWORD)
    users = User.objects.bulk_create(
        [
            User(
                username=f"person{n:02d}",
                first_name="Person",
                last_name=f"{n:02d}",
                password=hashed,
            )
            for n in range(PEOPLE)
        ]
    )
    User.objects.create(username="staff", is_staff=True, is_superuser=True, password=hashed)
    zones = ["America/Los_Angeles", "America/New_York", "Europe/Berlin", "Asia/Kolkata"]
    people = Person.objects.bulk_create(
        [
            Person(
                user=user,
                name=f"Person {n:02d}",
                github_login=f"person{n:02d}",
                time_zone=zones[n % 4],
            )
            for n, user in enumerate(users)
        ]
    )
    per_group = PEOPLE // len(GROUPS)
    for index, (name, slug, capacity) in enumerate(GROUPS):
        members = people[index * per_group : (index + 1) * per_group]
        group = ProductGroup.objects.create(
            name=name,
            slug=slug,
            github_label=f"#g-{slug}",
            sprint_capacity=capacity,
            engineering_manager=members[0],
            qa_lead=members[1],
        )
        group.members.set(members)
    start = ctx.today - dt.timedelta(days=ctx.today.weekday()) - dt.timedelta(weeks=156)
    Sprint.objects.bulk_create(
        [
            Sprint(
                number=n + 1,
                starts_on=start + SPRINT_LENGTH * n,
                ends_on=start + SPRINT_LENGTH * (n + 1) - dt.timedelta(days=1),
            )
            for n in range(56)
        ]
    )
    holiday_import(years=list(range(ctx.today.year - 3, ctx.today.year + 2)))
    ctx.summary.append(f"organisation: {len(GROUPS)} groups, {PEOPLE} people, 56 sprints")
