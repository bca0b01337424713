"""The releases app's models, one module per sub-domain, imported here so Django finds them.

- `releases/board/models.py`: releases, release candidates, sign-offs and their history,
  the activity feed, feature-merge exceptions.
- `releases/dependencies/models.py`: the pre-release dependency checks' runs and results,
  and what people did about them (issues, acknowledgements, feed confirmations).
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

__all__ = [
    "VERSION_RE",
    "Activity",
    "DependencyAcknowledgement",
    "DependencyCheckResult",
    "DependencyCheckRun",
    "DependencyIssue",
    "FeedConfirmation",
    "MergeException",
    "Release",
    "ReleaseCandidate",
    "ReleaseQuerySet",
    "Signoff",
    "SignoffEvent",
    "validate_version",
]
