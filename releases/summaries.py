"""What the release pages store per mirror stamp, recomputed by a worker after each change.

`fleetops.github.summaries` sends `summaries_refresh` after a sync or webhook changed the
mirror; this receiver recomputes, for each release in flight, what its board (group counts,
pushed stories) and hygiene page read (ADR 0022), so that their viewers find it stored.
"""

from __future__ import annotations

from releases.board.counts import group_counts
from releases.board.models import Release
from releases.board.selectors import release_pushed_stories
from releases.hygiene.panels import BOARD_FINDINGS
from releases.hygiene.selectors import hygiene_json_rows, release_hygiene, release_hygiene_page


def summaries_refresh_receiver(sender: object, **kwargs: object) -> str:
    releases = list(Release.objects.in_flight().select_related("candidate"))
    for release in releases:
        labels = release.signoffs.values_list("group__github_label", flat=True)
        candidate = getattr(release, "candidate", None)
        group_counts(labels=list(labels), branch=candidate.branch if candidate else "")
        release_hygiene(release=release, first=BOARD_FINDINGS)
        release_pushed_stories(release=release)
        release_hygiene_page(release=release)
        hygiene_json_rows(release=release)
    return f"releases: {len(releases)} in flight"
