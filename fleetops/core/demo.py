"""The demo organisation behind `manage.py seed_demo`.

Each installed app may have a `demo` module with a `seed(ctx: DemoContext)` function;
they run in INSTALLED_APPS order, so the organisation exists before the apps that read it.
The core names no domain app: the apps bring their own demo data.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from importlib import import_module, util

from django.apps import apps
from django.db import transaction
from django.utils import timezone

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
        from fleetops.org.models import process_time_zone

        return timezone.localtime(self.now, process_time_zone()).date()


def demo_seeders() -> list[tuple[str, object]]:
    """The `seed` functions of the installed apps' demo modules, in app order."""
    seeders = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.demo"
        if config.name == __name__.rsplit(".", 1)[0] or util.find_spec(module_name) is None:
            continue
        seeders.append((config.label, import_module(module_name).seed))
    return seeders


@transaction.atomic
def demo_seed(*, now: dt.datetime | None = None, seed: int = 4075) -> DemoContext:
    """Fill the database with the demo organisation. Safe to run twice: nothing duplicates."""
    ctx = DemoContext(now=now or timezone.now(), rng=random.Random(seed))
    for _label, seeder in demo_seeders():
        seeder(ctx)
    return ctx


def demo_logins_existing() -> list[DemoLogin]:
    """Who can sign in, with the role the data gives them (staff, EM, QA lead, engineer)."""
    from django.contrib.auth import get_user_model

    from fleetops.org.models import ProductGroup

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
