"""The dependency checks' verdict for the release board (the checks' author fills this in)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class DependencyGate:
    status: str  # "not_run" | "ok" | "blocking"
    remaining: list[str] = field(default_factory=list)
    last_run_at: dt.datetime | None = None


def dependency_gate(*, release) -> DependencyGate:
    """No check has run yet."""
    return DependencyGate(status="not_run")
