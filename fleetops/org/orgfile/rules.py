"""The organisation file: YAML read and checked into plain data, every problem named.

Pure: no ORM, no I/O beyond the text given. Problems are collected, not raised one at a
time: each names where it is (`groups[1].em`, `people[3].login`, with the group's slug
or the person's login when known) and what is wrong, so one run lists them all.

Schema (documented in the README, "The organisation as a file")::

    organization: fleetdm            # GitHub organisation of the boards (required)
    drafting_board: 67               # project number of Product's drafting board
    release_dri: hlee                # GitHub login of the release ritual DRI
    people:                          # required; a person is identified by login
      - {login: hlee, name: Hannah Lee, email: hannah@example.com, staff: false,
         time_zone: America/Los_Angeles}
    groups:                          # required; a group is identified by slug
      - {slug: mdm, name: MDM, label: "#g-mdm", em: mokafor, qa_lead: pdewit,
         members: [atanaka, bcarter], board: 58, capacity: 102}
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

LOGIN_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,50}$")
TOP_KEYS = {"organization", "drafting_board", "release_dri", "people", "groups"}
PERSON_KEYS = {"login", "name", "email", "staff", "time_zone"}
GROUP_KEYS = {"slug", "name", "label", "em", "qa_lead", "members", "board", "capacity"}


class OrgFileInvalid(Exception):
    """The file cannot be loaded; `problems` says every reason, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class PersonSpec:
    login: str
    name: str
    email: str
    staff: bool
    time_zone: str | None  # None: keep the person's zone (new people get the default)


@dataclass(frozen=True)
class GroupSpec:
    slug: str
    name: str
    label: str
    em: str | None
    qa_lead: str | None
    members: tuple[str, ...]
    board: int | None
    capacity: int | None  # None: keep the group's capacity


@dataclass(frozen=True)
class OrgSpec:
    organization: str
    drafting_board: int | None
    release_dri: str | None
    people: tuple[PersonSpec, ...]
    groups: tuple[GroupSpec, ...]


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class _Checker:
    """Collects problems while reading values out of the parsed YAML."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.context = ""  # "group mdm", "person hlee": who the entry being read is

    def add(self, where: str, message: str) -> None:
        about = f" ({self.context})" if self.context else ""
        self.problems.append(f"{where}: {message}{about}")

    def mapping(self, value: Any, where: str, keys: set[str]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.add(where, f"must be a mapping, not {_kind(value)}")
            return None
        for key in value:
            if key not in keys:
                self.add(f"{where}.{key}" if where else str(key), "unknown key")
        return value

    def text(
        self, obj: dict, key: str, where: str, *, required: bool, max_length: int
    ) -> str | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.add(f"{where}.{key}".lstrip("."), "missing (required)")
            return None
        if not isinstance(value, str):
            self.add(f"{where}.{key}".lstrip("."), f"must be a string, not {_kind(value)}")
            return None
        value = value.strip()
        if not value and required:
            self.add(f"{where}.{key}".lstrip("."), "must not be empty")
            return None
        if len(value) > max_length:
            self.add(f"{where}.{key}".lstrip("."), f"longer than {max_length} characters")
            return None
        return value

    def login(self, obj: dict, key: str, where: str, *, required: bool) -> str | None:
        value = self.text(obj, key, where, required=required, max_length=39)
        if value is not None and not LOGIN_RE.match(value):
            self.add(f"{where}.{key}".lstrip("."), f"{value!r} is not a GitHub login")
            return None
        return value

    def positive(self, obj: dict, key: str, where: str, *, zero: bool = False) -> int | None:
        value = obj.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < (0 if zero else 1):
            what = "a whole number, 0 or more" if zero else "a positive whole number"
            self.add(f"{where}.{key}".lstrip("."), f"must be {what}, not {value!r}")
            return None
        if value > 2_147_483_647:
            self.add(f"{where}.{key}".lstrip("."), f"{value} is too large")
            return None
        return value

    def flag(self, obj: dict, key: str, where: str) -> bool:
        value = obj.get(key, False)
        if not isinstance(value, bool):
            self.add(f"{where}.{key}", f"must be true or false, not {value!r}")
            return False
        return value


def _kind(value: Any) -> str:
    return {
        type(None): "nothing",
        str: "a string",
        int: "a number",
        float: "a number",
        bool: "true/false",
        list: "a list",
        dict: "a mapping",
    }.get(type(value), type(value).__name__)


def org_yaml_load(text: str, source: str = "<stdin>") -> Any:
    """PyYAML's safe_load; a syntax error is one problem with its line and column."""
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = exc.problem or str(exc).splitlines()[0]
        raise OrgFileInvalid([f"{source}: {where}YAML syntax error: {problem}"]) from exc
    except yaml.YAMLError as exc:
        raise OrgFileInvalid([f"{source}: YAML error: {str(exc).splitlines()[0]}"]) from exc


def org_file_parse(text: str, source: str = "<stdin>") -> OrgSpec:
    """The organisation described by `text`; raises `OrgFileInvalid` listing every problem."""
    data = org_yaml_load(text, source)
    check = _Checker()
    top = check.mapping(data, "", TOP_KEYS) if data is not None else None
    if top is None:
        if data is None:
            check.add(source, "the file is empty")
        raise OrgFileInvalid(check.problems)
    organization = check.login(top, "organization", "", required=True)
    drafting = check.positive(top, "drafting_board", "")
    dri = check.login(top, "release_dri", "", required=False)
    people = _people(check, top.get("people"))
    logins = {p.login.lower() for p in people}
    groups = _groups(check, top.get("groups"), logins)
    if dri is not None and dri.lower() not in logins:
        check.add("release_dri", f"unknown person {dri!r} (not in people)")
    boards = {g.board: g.slug for g in groups if g.board}
    if drafting is not None and drafting in boards:
        check.add("drafting_board", f"{drafting} is also the board of group {boards[drafting]!r}")
    if check.problems:
        raise OrgFileInvalid(check.problems)
    return OrgSpec(organization or "", drafting, dri, tuple(people), tuple(groups))


def _people(check: _Checker, value: Any) -> list[PersonSpec]:
    if not isinstance(value, list):
        check.add("people", "missing (required)" if value is None else "must be a list")
        return []
    people: list[PersonSpec] = []
    seen: dict[str, str] = {}
    for i, entry in enumerate(value):
        where = f"people[{i}]"
        obj = check.mapping(entry, where, PERSON_KEYS)
        if obj is None:
            continue
        check.context = ""
        login = check.login(obj, "login", where, required=True)
        check.context = f"person {login}" if login else ""
        name = check.text(obj, "name", where, required=True, max_length=150)
        email = check.text(obj, "email", where, required=False, max_length=254) or ""
        if email:
            try:
                validate_email(email)
            except ValidationError:
                check.add(f"{where}.email", f"{email!r} is not an email address")
        staff = check.flag(obj, "staff", where)
        zone = check.text(obj, "time_zone", where, required=False, max_length=64)
        if zone is not None and zone not in _zones():
            check.add(f"{where}.time_zone", f"{zone!r} is not an IANA time zone")
        if login is None or name is None:
            continue
        if login.lower() in seen:
            check.add(f"{where}.login", f"duplicate login {login!r}, also {seen[login.lower()]}")
            continue
        seen[login.lower()] = where
        people.append(PersonSpec(login, name, email, staff, zone))
    check.context = ""
    return people


def _groups(check: _Checker, value: Any, logins: set[str]) -> list[GroupSpec]:
    if not isinstance(value, list):
        check.add("groups", "missing (required)" if value is None else "must be a list")
        return []
    groups: list[GroupSpec] = []
    seen: dict[tuple[str, Any], str] = {}
    for i, entry in enumerate(value):
        where = f"groups[{i}]"
        obj = check.mapping(entry, where, GROUP_KEYS)
        if obj is None:
            continue
        check.context = ""
        slug = check.text(obj, "slug", where, required=True, max_length=50)
        if slug is not None and not SLUG_RE.match(slug):
            check.add(f"{where}.slug", f"{slug!r} is not a slug (letters, digits, - and _)")
            slug = None
        check.context = f"group {slug}" if slug else ""
        name = check.text(obj, "name", where, required=True, max_length=100)
        label = check.text(obj, "label", where, required=True, max_length=50)
        em = _member(check, obj, "em", where, logins)
        qa_lead = _member(check, obj, "qa_lead", where, logins)
        members = _members(check, obj.get("members"), f"{where}.members", logins)
        board = check.positive(obj, "board", where)
        capacity = check.positive(obj, "capacity", where, zero=True)
        if slug is None or name is None or label is None:
            continue
        clash = False
        for key, kind in ((slug.lower(), "slug"), (name.lower(), "name"), (label.lower(), "label")):
            if (kind, key) in seen:
                check.add(f"{where}.{kind}", f"duplicate {kind}, also {seen[(kind, key)]}")
                clash = True
            seen[(kind, key)] = where
        if board is not None:
            if ("board", board) in seen:
                check.add(f"{where}.board", f"board {board} is also {seen[('board', board)]}'s")
                clash = True
            seen[("board", board)] = where
        if not clash:
            groups.append(GroupSpec(slug, name, label, em, qa_lead, members, board, capacity))
    check.context = ""
    return groups


def _member(check: _Checker, obj: dict, key: str, where: str, logins: set[str]) -> str | None:
    login = check.login(obj, key, where, required=False)
    if login is not None and login.lower() not in logins:
        check.add(f"{where}.{key}", f"unknown person {login!r} (not in people)")
        return None
    return login


def _members(check: _Checker, value: Any, where: str, logins: set[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        check.add(where, f"must be a list of logins, not {_kind(value)}")
        return ()
    members: list[str] = []
    for i, login in enumerate(value):
        if not isinstance(login, str) or not LOGIN_RE.match(login):
            check.add(f"{where}[{i}]", f"{login!r} is not a GitHub login")
        elif login.lower() not in logins:
            check.add(f"{where}[{i}]", f"unknown person {login!r} (not in people)")
        elif login.lower() not in {m.lower() for m in members}:
            members.append(login)
    return tuple(members)
