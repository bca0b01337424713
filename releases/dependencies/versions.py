"""Versions and the files that pin them: pure parsing and comparison, no I/O.

Handbook, "Confirm latest versions of dependencies": the checks compare the Go version in
`go.mod` (`go 1.XX.YY`), the macadmins-extension version it requires, and the osquery
version pinned in `.github/workflows/generate-osqueryd-targets.yml` with the latest
releases. Versions are compared as versions, never as strings: `1.24.10` > `1.24.9`,
`v1.2.7` == `1.2.7`, and a pre-release sorts before its release.

Every parser either returns a value or raises `ParseError` with a message a person can act
on: which file, which line, what was expected. Nothing else escapes (see the
property-based tests).

Decisions:

- A `go 1.22` directive without a patch number means 1.22.0 (Go's own reading).
- The `toolchain go1.x.y` line is ignored. The handbook checks "the Go version specified in
  Fleet's go.mod file (`go 1.XX.YY`)", which is the `go` directive; the toolchain line only
  says which toolchain a build may download and may be absent.
- The extension is found in a `require (` block or a single-line `require`; a future major
  version's module path (`github.com/macadmins/osquery-extension/v2`) counts too.
- osquery's pin is read from the workflow's top-level `env:` block only (handbook: line 27
  of that file), line by line rather than with a YAML loader, because YAML 1.1 would read
  an unquoted `5.10` as the number 5.1.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

GO_MOD = "go.mod"
OSQUERY_WORKFLOW = ".github/workflows/generate-osqueryd-targets.yml"
MACADMINS_MODULE = "github.com/macadmins/osquery-extension"

_NUMBER = r"(0|[1-9]\d{0,8})"  # at most 9 digits: versions, not arbitrary integers
_SEMVER = re.compile(
    rf"^[vV]?{_NUMBER}\.{_NUMBER}(?:\.{_NUMBER})?"
    r"(?:-(?P<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?"
    r"(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$"
)
# Go's own version syntax: 1.22, 1.22.3, 1.21rc1, 1.20beta1 (go.dev/dl prefixes "go").
_GO_VERSION = re.compile(
    rf"^(?:go)?{_NUMBER}\.{_NUMBER}(?:\.{_NUMBER})?(?:(?P<kind>rc|beta|alpha)(?P<n>\d{{1,4}}))?$"
)


class ParseError(ValueError):
    """Input that is not what the check expects; the message says where and why."""


@functools.total_ordering
@dataclass(frozen=True, eq=False)
class Version:
    """A release version: three numbers and an optional pre-release part."""

    major: int
    minor: int
    patch: int
    prerelease: tuple[int | str, ...] = ()
    text: str = field(default="", compare=False)

    @property
    def is_prerelease(self) -> bool:
        return bool(self.prerelease)

    @property
    def line(self) -> tuple[int, int]:
        """The release line: Go's "major" (1.24) is the first two numbers."""
        return (self.major, self.minor)

    def _key(self) -> tuple:
        # A release sorts after its pre-releases; numeric identifiers sort before
        # alphanumeric ones, and a shorter identifier list sorts first (semver 2.0 §11).
        pre = tuple(
            (0, part, "") if isinstance(part, int) else (1, 0, part) for part in self.prerelease
        )
        return (self.major, self.minor, self.patch, 0 if pre else 1, pre)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() == other._key()

    def __lt__(self, other: Version) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() < other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __str__(self) -> str:
        core = f"{self.major}.{self.minor}.{self.patch}"
        if not self.prerelease:
            return core
        return f"{core}-{'.'.join(str(part) for part in self.prerelease)}"


def _prerelease(text: str | None) -> tuple[int | str, ...]:
    if not text:
        return ()
    return tuple(
        int(part) if part.isascii() and part.isdigit() else part for part in text.split(".")
    )


def parse_version(text: str) -> Version:
    """`1.2.3`, `v1.2.3`, `1.2` (= 1.2.0), `1.2.3-rc.1`; build metadata (`+...`) is ignored."""
    if not isinstance(text, str):
        raise ParseError(f"{text!r} is not a version")
    value = text.strip()
    match = _SEMVER.match(value)
    if match is None:
        raise ParseError(f"`{value[:80]}` is not a version (expected numbers like 1.2.3)")
    major, minor, patch = (int(match.group(i) or 0) for i in (1, 2, 3))
    return Version(major, minor, patch, _prerelease(match.group("pre")), text=value)


def parse_go_version(text: str) -> Version:
    """Go's version syntax (`1.22`, `1.22.3`, `go1.22.3`, `1.21rc1`); rc/beta are pre-releases."""
    if not isinstance(text, str):
        raise ParseError(f"{text!r} is not a Go version")
    value = text.strip()
    match = _GO_VERSION.match(value)
    if match is None:
        raise ParseError(f"`{value[:80]}` is not a Go version (expected 1.N or 1.N.P)")
    major, minor, patch = (int(match.group(i) or 0) for i in (1, 2, 3))
    pre: tuple[int | str, ...] = ()
    if match.group("kind"):
        pre = (match.group("kind"), int(match.group("n")))
    return Version(major, minor, patch, pre, text=value.removeprefix("go"))


# -- go.mod -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Pinned:
    """A version found in a file, with where it was found."""

    version: Version
    raw: str  # as written in the file (`v1.2.7`, `1.24.4`)
    line: int


def _go_mod_lines(text: str) -> Iterator[tuple[int, str | None, str]]:
    """(line number, enclosing block verb or None, line without comment) of each non-blank line."""
    block: tuple[str, int] | None = None
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.split("//", 1)[0].strip()
        if not line:
            continue
        if block is not None:
            if line == ")":
                block = None
                continue
            yield number, block[0], line
            continue
        opening = re.match(r"^([A-Za-z]+)\s*\($", line)
        if opening:
            block = (opening.group(1), number)
            continue
        yield number, None, line
    if block is not None:
        raise ParseError(
            f"{GO_MOD}: the `{block[0]} (` block opened on line {block[1]} is never closed"
        )


def parse_go_directive(text: str) -> Pinned:
    """The `go 1.N.P` directive of go.mod (`go 1.N` means 1.N.0); the toolchain line is not it."""
    found: Pinned | None = None
    for number, block, line in _go_mod_lines(text):
        if block is not None:
            continue
        words = line.split()
        if words[0] != "go":
            continue
        if len(words) != 2:
            raise ParseError(f"line {number} of {GO_MOD}: expected `go 1.N.P`, found `{line[:80]}`")
        if found is not None:
            raise ParseError(
                f"line {number} of {GO_MOD}: a second `go` directive (the first is on line "
                f"{found.line})"
            )
        try:
            version = parse_go_version(words[1])
        except ParseError as exc:
            raise ParseError(f"line {number} of {GO_MOD}: {exc}") from None
        found = Pinned(version=version, raw=words[1], line=number)
    if found is None:
        raise ParseError(f"{GO_MOD} has no `go` directive (a line like `go 1.24.4`)")
    return found


def parse_go_require(text: str, module: str = MACADMINS_MODULE) -> Pinned:
    """The version of `module` required in go.mod (a `require (` block or a one-line require)."""
    pattern = re.compile(rf"^{re.escape(module)}(?:/v\d+)?$")
    found: Pinned | None = None
    for number, block, line in _go_mod_lines(text):
        words = line.split()
        if block == "require":
            spec = words
        elif block is None and words[0] == "require":
            spec = words[1:]
        else:
            continue
        if not spec or not pattern.match(spec[0]):
            continue
        if len(spec) < 2:
            raise ParseError(
                f"line {number} of {GO_MOD}: `{spec[0]}` is required without a version"
            )
        if found is not None:
            raise ParseError(
                f"line {number} of {GO_MOD}: {module} is required twice (also on line {found.line})"
            )
        try:
            version = parse_version(spec[1])
        except ParseError as exc:
            raise ParseError(f"line {number} of {GO_MOD}: {exc}") from None
        found = Pinned(version=version, raw=spec[1], line=number)
    if found is None:
        raise ParseError(f"{GO_MOD} does not require {module}")
    return found


# -- the osquery workflow ------------------------------------------------------------------


def _yaml_scalar(value: str) -> str:
    """A one-line YAML scalar without its quotes or trailing comment."""
    value = value.strip()
    if value[:1] in ("'", '"'):
        quote = value[0]
        end = value.find(quote, 1)
        if end == -1:
            raise ParseError(f"the value {value[:40]} has no closing {quote}")
        return value[1:end]
    return re.split(r"\s+#", value, maxsplit=1)[0].strip()


def parse_osquery_pin(text: str, path: str = OSQUERY_WORKFLOW) -> Pinned:
    """`OSQUERY_VERSION:` in the workflow's top-level `env:` block (quoted or not)."""
    in_env = False
    saw_env = False
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not raw[:1].isspace():  # a top-level key: entering or leaving `env:`
            in_env = re.match(r"^env\s*:\s*(#.*)?$", raw.rstrip()) is not None
            saw_env = saw_env or in_env
            continue
        if not in_env:
            continue
        match = re.match(r"^\s+OSQUERY_VERSION\s*:(.*)$", raw)
        if match is None:
            continue
        try:
            value = _yaml_scalar(match.group(1))
            if not value:
                raise ParseError("OSQUERY_VERSION is empty")
            version = parse_version(value)
        except ParseError as exc:
            raise ParseError(f"line {number} of {path}: {exc}") from None
        return Pinned(version=version, raw=value, line=number)
    if not saw_env:
        raise ParseError(f"{path} has no top-level `env:` block")
    raise ParseError(f"the top-level `env:` block of {path} has no OSQUERY_VERSION")


# -- the Go release list (go.dev/dl/?mode=json) --------------------------------------------


def parse_go_releases(data: Any) -> list[Version]:
    """The stable releases of the go.dev/dl JSON list; release candidates and betas never count."""
    if not isinstance(data, list):
        raise ParseError(f"the Go release list is not a JSON list (got {type(data).__name__})")
    stable: list[Version] = []
    for position, entry in enumerate(data, start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("version"), str):
            raise ParseError(f"entry {position} of the Go release list has no version")
        if entry.get("stable") is not True:
            continue
        try:
            version = parse_go_version(entry["version"])
        except ParseError:
            continue  # an old or unusual name ("go1"): not one we could be behind
        if not version.is_prerelease:
            stable.append(version)
    if not stable:
        raise ParseError("the Go release list has no stable release")
    return stable


def newest(versions: Iterable[Version]) -> Version | None:
    """The greatest version, or None for none."""
    return max(versions, default=None)
