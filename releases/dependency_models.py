"""Models of the pre-release dependency checks (imported by releases/models.py)."""

from __future__ import annotations
