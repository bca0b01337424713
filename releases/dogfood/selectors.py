"""What dogfood runs, and a release's deploy history."""

from __future__ import annotations

from django.db.models import QuerySet

from fleetops.github.models import GitHubWrite
from releases.board.models import Release
from releases.dogfood.models import DogfoodDeploy


def dogfood_last_deployed() -> str | None:
    """The version of the newest real deploy GitHub accepted (or is answering), if any.

    Dry runs and failed dispatches never count as deployed.
    """
    return (
        DogfoodDeploy.objects.filter(
            dry_run=False, write__status__in=[GitHubWrite.Status.DONE, GitHubWrite.Status.PENDING]
        )
        .order_by("-at", "-pk")
        .values_list("version", flat=True)
        .first()
    )


def dogfood_history(*, release: Release) -> QuerySet[DogfoodDeploy]:
    return release.dogfood_deploys.select_related("actor", "write").order_by("-at", "-pk")
