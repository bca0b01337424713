from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandParser

from fleetops.org.models import ProductGroup
from worlds.demo.context import DEMO_PASSWORD
from worlds.demo.seed import demo_logins_existing, demo_seed


class Command(BaseCommand):
    help = "Fill an empty database with the demo organisation; prints the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Seed even if the database already has data."
        )
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args, force: bool = False, json: bool = False, **options) -> None:
        seeded = ProductGroup.objects.exists()
        ctx = None if seeded and not force else demo_seed()
        logins = demo_logins_existing()
        if json:
            self.stdout.write(
                _dumps(
                    {
                        "seeded": ctx is not None,
                        "password": DEMO_PASSWORD,
                        "logins": [{"username": x.username, "role": x.role} for x in logins],
                        "summary": ctx.summary if ctx else [],
                    }
                )
            )
            return
        if ctx is None:
            self.stdout.write("The database already has an organisation: nothing seeded.")
        else:
            for line in ctx.summary:
                self.stdout.write(f"  {line}")
        if logins:
            self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password: {DEMO_PASSWORD}):"))
            width = max(len(x.username) for x in logins)
            for login in logins:
                self.stdout.write(f"  {login.username:<{width}}  {login.role}")
            self.stdout.write("")


def _dumps(data: object) -> str:
    return json.dumps(data, indent=2)
