"""The demo organisation behind `manage.py seed_demo`.

One seeder per installed app, run in INSTALLED_APPS order, so the organisation exists before
the apps that read it; an app that is not installed gets no demo data. Every seeder draws
from the same random stream, so the order is part of the data.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from fleetops.org.models import ProductGroup
from worlds.demo import kpis, oncall, org, releases, rituals
from worlds.demo.context import DemoContext, DemoLogin
from worlds.demo.github import seed as github

SEEDERS: dict[str, Callable[[DemoContext], None]] = {
    "fleetops.org": org.seed,
    "fleetops.github": github.seed,
    "releases": releases.seed,
    "oncall": oncall.seed,
    "kpis": kpis.seed,
    "rituals": rituals.seed,
}


def demo_seeders() -> list[tuple[str, Callable[[DemoContext], None]]]:
    """The seeders of the installed apps, in app order."""
    return [
        (config.label, SEEDERS[config.name])
        for config in apps.get_app_configs()
        if config.name in SEEDERS
    ]


@transaction.atomic
def demo_seed(*, now: dt.datetime | None = None, seed: int = 4075) -> DemoContext:
    """Fill the database with the demo organisation. Safe to run twice: nothing duplicates."""
    ctx = DemoContext(now=now or timezone.now(), rng=random.Random(seed))
    for _label, seeder in demo_seeders():
        seeder(ctx)
    return ctx


def demo_logins_existing() -> list[DemoLogin]:
    """Who can sign in, with the role the data gives them (staff, EM, QA lead, engineer)."""
    roles: dict[int, list[str]] = {}
    for group in ProductGroup.objects.select_related("engineering_manager", "qa_lead"):
        for person, role in ((group.engineering_manager, "EM"), (group.qa_lead, "QA lead")):
            if person is not None and person.user_id:
                roles.setdefault(person.user_id, []).append(f"{role}, {group.name}")
    staff, leads, engineers = [], [], []
    for user in get_user_model().objects.filter(is_active=True).order_by("username"):
        if user.is_staff:
            staff.append(DemoLogin(user.username, "staff: administers, may act on every group"))
        elif user.pk in roles:
            leads.append(DemoLogin(user.username, "; ".join(roles[user.pk])))
        elif len(engineers) < 3:
            engineers.append(DemoLogin(user.username, "engineer"))
    leads.sort(key=lambda login: (not login.role.startswith("EM"), login.role))
    return staff + leads + engineers
