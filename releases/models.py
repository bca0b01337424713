"""The releases app's models, one module per sub-domain, imported here so Django finds them.

- `releases/board/models.py`: releases, release candidates, sign-offs and their history,
  the activity feed, feature-merge exceptions.
- `releases/dependencies/models.py`: the pre-release dependency checks' runs and results,
  and what people did about them (issues, acknowledgements, feed confirmations).
- `releases/dogfood/models.py`: deploys of a release to the dogfood instance.
- `releases/notifications/models.py`: pushed-story notices (once per story).
"""

from releases.board.models import (
    VERSION_RE,
    Activity,
    MergeException,
    Release,
    ReleaseCandidate,
    ReleaseQuerySet,
    Signoff,
    SignoffEvent,
    validate_version,  # migration 0001 names it `releases.models.validate_version`
)
from releases.dependencies.models import (
    DependencyAcknowledgement,
    DependencyCheckResult,
    DependencyCheckRun,
    DependencyIssue,
    FeedConfirmation,
)
from releases.dogfood.models import DogfoodDeploy
from releases.notifications.models import PushedStoryNotice

__all__ = [
    "VERSION_RE",
    "Activity",
    "DependencyAcknowledgement",
    "DependencyCheckResult",
    "DependencyCheckRun",
    "DependencyIssue",
    "DogfoodDeploy",
    "FeedConfirmation",
    "MergeException",
    "PushedStoryNotice",
    "Release",
    "ReleaseCandidate",
    "ReleaseQuerySet",
    "Signoff",
    "SignoffEvent",
    "validate_version",
]
