"""Deploying a release to dogfood: the handbook's window and its one-way rule.

Handbook, "Deploy a new release to dogfood": "After each Fleet release, the new release is
deployed to Fleet's "dogfood" (internal) instance. To avoid interruptions to sales demos
using this instance, deploys should occur outside of the business hours of 7am - 5pm
Pacific time Monday - Friday. If a deployment is necessary during business hours,
coordinate with the Sales department in the #g-sales Slack channel." and "Note that this
action will not handle down migrations. Always deploy a newer version than is currently
deployed."

Pure: no ORM, no I/O. The window is computed in America/Los_Angeles whatever the settings
say (DESIGN, "Rules of the road"), so it follows the daylight-saving changes.
"""

from __future__ import annotations

import datetime as dt

from fleetops.org.rules import PACIFIC  # "7am - 5pm Pacific time", one constant for all such rules

WINDOW_START = dt.time(7, 0)
WINDOW_END = dt.time(17, 0)
IMAGE_REPOSITORY = "fleetdm/fleet"


def in_sales_demo_hours(at: dt.datetime) -> bool:
    """Whether `at` (aware) falls in 7:00-17:00 Pacific, Monday to Friday (17:00 is outside)."""
    if at.tzinfo is None:
        raise ValueError("an aware datetime is required")
    local = at.astimezone(PACIFIC)
    return local.weekday() < 5 and WINDOW_START <= local.time() < WINDOW_END


def image_for(version: str) -> str:
    """The Docker image of a release, as the handbook names it: `fleetdm/fleet:v4.19.0`."""
    return f"{IMAGE_REPOSITORY}:v{version}"


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def deploy_refusal(*, version: str, last_deployed: str | None) -> str:
    """Why `version` may not be deployed after `last_deployed` ("" when it may): no down
    migrations, so never an older version, and the same one only once."""
    if last_deployed is None:
        return ""
    if version_key(version) < version_key(last_deployed):
        return (
            f"Dogfood runs v{last_deployed}: v{version} is older, and the deploy does not "
            "handle down migrations. Always deploy a newer version."
        )
    if version_key(version) == version_key(last_deployed):
        return f"Dogfood already runs v{version}."
    return ""
