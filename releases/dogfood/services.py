"""Deploy a published release to dogfood through the gateway, and keep the history."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from fleetops.github import gateway
from fleetops.github.models import GitHubWrite
from fleetops.org.roles import display_name
from releases.board.activity import activity_record
from releases.board.models import Release
from releases.dogfood import rules
from releases.dogfood.models import DogfoodDeploy
from releases.dogfood.selectors import dogfood_last_deployed
from releases.permissions import ensure_can_drive

REASON_MAX = 500
DEPLOYABLE = (Release.State.PUBLISHED, Release.State.CONCLUDED)


def dogfood_dispatch_payload(*, version: str) -> dict[str, object]:
    """The workflow dispatch's body: run on main with the release's image as the input."""
    return {
        "ref": "main",
        "inputs": {settings.FLEETOPS_DOGFOOD_IMAGE_INPUT: rules.image_for(version)},
    }


def _checked_reason(*, release: Release, reason: str, at: dt.datetime) -> tuple[bool, str]:
    if release.state not in DEPLOYABLE:
        raise ValidationError(
            f"Fleet v{release.version} is not published yet: dogfood gets a release after it "
            "is published."
        )
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise ValidationError(f"Keep the reason under {REASON_MAX} characters.")
    in_hours = rules.in_sales_demo_hours(at)
    if in_hours and not reason:
        local = at.astimezone(rules.PACIFIC)
        raise ValidationError(
            f"It is {local:%A %H:%M} Pacific: sales demos use dogfood from 7:00 to 17:00, "
            'Monday to Friday. Say how the deploy was coordinated (e.g. "coordinated with '
            '#g-sales").'
        )
    refusal = rules.deploy_refusal(version=release.version, last_deployed=dogfood_last_deployed())
    if refusal:
        raise ValidationError(refusal)
    return in_hours, reason


def dogfood_deploy(
    *,
    release: Release,
    actor: AbstractBaseUser,
    reason: str = "",
    at: dt.datetime | None = None,
) -> DogfoodDeploy:
    """Deploy the release's image to dogfood (handbook, "Deploy a new release to dogfood").

    The release DRI or staff; after the release is published; inside 7:00-17:00 Pacific on a
    weekday only with a reason; never an older version than dogfood runs (no down
    migrations). The dispatch goes through the gateway (a dry run is a preview, which never
    counts as deployed); each version is dispatched once. Every request is kept on the release.
    """
    ensure_can_drive(actor, release, "deploy to dogfood")
    at = at or timezone.now()
    in_hours, reason = _checked_reason(release=release, reason=reason, at=at)
    image = rules.image_for(release.version)
    write = gateway.workflow_dispatch(
        workflow=settings.FLEETOPS_DOGFOOD_WORKFLOW,
        ref="main",
        inputs=dogfood_dispatch_payload(version=release.version)["inputs"],
        reason=f"Deploy {image} to dogfood" + (f" ({reason})" if reason else ""),
        actor=actor,
        dedupe_key=f"dogfood-deploy:{release.version}",
    )
    dry_run = write.status == GitHubWrite.Status.DRY_RUN
    deploy = DogfoodDeploy.objects.create(
        release=release,
        version=release.version,
        image=image,
        actor=actor,
        at=at,
        in_sales_hours=in_hours,
        reason=reason,
        dry_run=dry_run,
        write=write,
    )
    activity_record(
        release=release,
        kind="dogfood-deploy",
        actor=actor,
        message=_message(deploy, write, display_name(actor)),
        announce=write.status == GitHubWrite.Status.DONE,
    )
    return deploy


def _message(deploy: DogfoodDeploy, write: GitHubWrite, who: str) -> str:
    why = f" during sales hours: {deploy.reason}" if deploy.in_sales_hours else ""
    if write.status == GitHubWrite.Status.DRY_RUN:
        return f"Dry run: {who} would deploy {deploy.image} to dogfood{why}."
    if write.status == GitHubWrite.Status.FAILED:
        return f"Dogfood deploy of {deploy.image} by {who} failed: {write.error[:200]}"
    return f"{who} deployed {deploy.image} to dogfood{why}."
