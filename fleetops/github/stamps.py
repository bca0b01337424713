"""The models behind the mirror's change stamp and what pages store per stamp.

`fleetops/github/stamp.py` moves the stamp; `fleetops/github/summaries.py` stores results
with it (ADR 0020, ADR 0022). Imported by `fleetops/github/models.py`, which registers them.
"""

from __future__ import annotations

from django.db import models


class MirrorStamp(models.Model):
    """One row: a number that changes after every mirror write a page can show.

    Viewers of the release board poll with it as part of an ETag (`fleetops/github/stamp.py`).
    """

    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"mirror stamp {self.version}"


class MirrorSummary(models.Model):
    """A result computed from the mirror, stored with the mirror stamp it was computed at.

    Pages that aggregate over the whole history (the board's per-group counts, the hygiene
    findings, the community queue) read one row instead of recounting on every view; a
    row whose stamp is not the current one is never shown (`fleetops/github/summaries.py`).
    """

    key = models.CharField(max_length=200, unique=True)
    stamp = models.PositiveBigIntegerField()
    value = models.JSONField()
    computed_at = models.DateTimeField()
    compute_ms = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key} @ {self.stamp}"
