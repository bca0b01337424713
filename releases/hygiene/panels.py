"""What the release board shows of hygiene, the dogfood deploy and pushed-story notices."""

from __future__ import annotations

from typing import Any

from releases.board.models import Release
from releases.dogfood.selectors import dogfood_history, dogfood_last_deployed
from releases.dogfood.services import DEPLOYABLE
from releases.hygiene.selectors import release_hygiene

BOARD_FINDINGS = 5  # the board lists the first five; the hygiene page all of them


def release_board_panels(*, release: Release) -> dict[str, Any]:
    """The board's hygiene summary (top findings) and its dogfood panel."""
    return {
        "hygiene": release_hygiene(release=release, first=BOARD_FINDINGS),
        "dogfood_last_deployed": dogfood_last_deployed(),
        "dogfood_latest": dogfood_history(release=release).first(),
        "dogfood_deployable": release.state in DEPLOYABLE,
    }
