"""Demo organisation: four product groups, their EMs and QA leads, ~25 engineers, sprints."""

from __future__ import annotations

import datetime as dt
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from fleetops.core.demo import DEMO_PASSWORD, DemoContext
from fleetops.org.models import SPRINT_LENGTH, Person, ProductGroup, Sprint
from fleetops.org.services import holiday_import, sprint_calendar_extend

# The first sprint of the demo cadence; sprints are numbered from it.
SPRINT_ANCHOR = dt.date(2024, 1, 8)  # a Monday

# (name, slug, label, nominal capacity, EM, QA lead, engineers)
GROUPS = [
    (
        "MDM",
        "mdm",
        "#g-mdm",
        102,
        ("Marta Okafor", "mokafor"),
        ("Pieter de Wit", "pdewit"),
        [
            ("Jordan Reyes", "jreyes"),
            ("Aiko Tanaka", "atanaka"),
            ("Samir Haddad", "shaddad"),
            ("Lena Fischer", "lfischer"),
            ("Tomás Silva", "tsilva"),
            ("Grace Mwangi", "gmwangi"),
            ("Oliver Brandt", "obrandt"),
        ],
    ),
    (
        "Software",
        "software",
        "#g-software",
        102,
        ("Hannah Lee", "hlee"),
        ("Ravi Subramanian", "rsubramanian"),
        [
            ("Chris Novak", "cnovak"),
            ("Isabel Moreno", "imoreno"),
            ("Kwame Asante", "kasante"),
            ("Yuki Sato", "ysato"),
            ("Daniel Kowalski", "dkowalski"),
            ("Priya Nair", "pnair"),
            ("Ethan Brooks", "ebrooks"),
        ],
    ),
    (
        "Orchestration",
        "orchestration",
        "#g-orchestration",
        49,
        ("Victor Lindqvist", "vlindqvist"),
        ("Amara Obi", "aobi"),
        [
            ("Noah Fitzgerald", "nfitzgerald"),
            ("Mei Chen", "mchen"),
            ("Lucas Ferreira", "lferreira"),
            ("Sofia Rossi", "srossi"),
        ],
    ),
    (
        "Security & compliance",
        "security-compliance",
        "#g-security-compliance",
        102,
        ("Rebecca Stein", "rstein"),
        ("Diego Alvarez", "dalvarez"),
        [
            ("Fatima Zahra", "fzahra"),
            ("Ben Carter", "bcarter"),
            ("Nina Petrova", "npetrova"),
            ("Arjun Mehta", "amehta"),
            ("Claire Dubois", "cdubois"),
            ("Max Weber", "mweber"),
            ("Sara Lindgren", "slindgren"),
        ],
    ),
]
TIME_ZONES = [
    "America/Los_Angeles",
    "America/Chicago",
    "America/New_York",
    "Europe/Berlin",
    "America/Sao_Paulo",
    "Europe/London",
    "Asia/Kolkata",
]
CTO = ("Alex Morgan", "amorgan")


@cache
def _demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD)  # hashed once: 34 hashes would take seconds


def _person(ctx: DemoContext, name: str, login: str, *, staff: bool = False) -> Person:
    User = get_user_model()
    first, _, last = name.partition(" ")
    user, _ = User.objects.get_or_create(
        username=login,
        defaults={
            "first_name": first,
            "last_name": last,
            "is_staff": staff,
            "password": _demo_password_hash(),
        },
    )
    person, _ = Person.objects.get_or_create(
        github_login=login,
        defaults={"name": name, "user": user, "time_zone": ctx.rng.choice(TIME_ZONES)},
    )
    return person


def seed(ctx: DemoContext) -> None:
    User = get_user_model()
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@example.com", DEMO_PASSWORD)
    _person(ctx, *CTO, staff=True)
    people = 1
    for name, slug, label, capacity, em, qa, engineers in GROUPS:
        manager, qa_lead = _person(ctx, *em), _person(ctx, *qa)
        group, _ = ProductGroup.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "github_label": label,
                "sprint_capacity": capacity,
                "engineering_manager": manager,
                "qa_lead": qa_lead,
            },
        )
        members = [_person(ctx, *engineer) for engineer in engineers]
        group.members.add(manager, qa_lead, *members)
        people += 2 + len(members)

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
