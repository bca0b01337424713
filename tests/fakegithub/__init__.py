"""Fake GitHub REST API server for tests and benchmarks (no Django).

``FakeGitHub`` serves an in-memory model on ``127.0.0.1`` with an ephemeral port; see
``server.py`` for the API and ``fixtures.py`` for the seed-file format.
"""

from __future__ import annotations

from .server import (
    FIXTURES_DIR,
    DropConnection,
    FakeGitHub,
    GitHubError,
    RequestInfo,
    RequestRecord,
    Write,
)

__all__ = [
    "FIXTURES_DIR",
    "DropConnection",
    "FakeGitHub",
    "GitHubError",
    "RequestInfo",
    "RequestRecord",
    "Write",
]
