"""Release hygiene: the handbook's rules about bug-fix PRs, unreleased bugs and the RC branch.

Pure: no ORM, no I/O. The selectors feed these functions what the mirror holds.

- "closing-keyword", handbook "Fix a bug": "All bug fix pull requests should reference the
  issue they resolve with the issue number in the description. Please do not use any
  automated words since we don't want the issues to auto-close when the PR is merged."
- "unreleased-bug-labels", handbook "Run Fleet locally for QA purposes": "For unreleased bugs
  in an active sprint, a new bug is created with the `~unreleased bug` label. The `:release`
  label and associated product group label is added, and the engineer responsible for the
  feature is assigned. If QA is unsure who the bug should be assigned to, it is assigned to
  the EM."
- "rc-merge", handbook "Merge unreleased bug fixes into the release candidate": "Only merge
  unreleased bug fixes during the release candidate period [...] If there is an exceptional,
  business-critical need to merge feature work into the release candidate [...] the release
  candidate feature merge exception process may be followed."
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

CLOSING_KEYWORD = "closing-keyword"
UNRELEASED_BUG_LABELS = "unreleased-bug-labels"
RC_MERGE = "rc-merge"
RULES = (CLOSING_KEYWORD, UNRELEASED_BUG_LABELS, RC_MERGE)

RULE_TEXT = {
    CLOSING_KEYWORD: (
        "All bug fix pull requests should reference the issue they resolve with the issue "
        "number in the description. Please do not use any automated words since we don't "
        "want the issues to auto-close when the PR is merged."
    ),
    UNRELEASED_BUG_LABELS: (
        "For unreleased bugs in an active sprint, a new bug is created with the `~unreleased "
        "bug` label. The `:release` label and associated product group label is added, and the "
        "engineer responsible for the feature is assigned. If QA is unsure who the bug should "
        "be assigned to, it is assigned to the EM."
    ),
    RC_MERGE: (
        "Only merge unreleased bug fixes during the release candidate period to minimize code "
        "churn and help ensure a stable release. [...] EM, QA lead, and release ritual DRI must "
        "all approve the feature work PR before it is merged into the release candidate branch."
    ),
}
RULE_TITLE = {
    CLOSING_KEYWORD: "Closing keywords",
    UNRELEASED_BUG_LABELS: "Unreleased-bug labels",
    RC_MERGE: "RC merges",
}
HANDBOOK_SECTION = {
    CLOSING_KEYWORD: "Fix a bug",
    UNRELEASED_BUG_LABELS: "Run Fleet locally for QA purposes",
    RC_MERGE: "Merge unreleased bug fixes into the release candidate",
}

UNRELEASED_BUG = "~unreleased bug"
RELEASE_LABEL = ":release"

# GitHub's closing keywords (docs: "Linking a pull request to an issue using a keyword").
_KEYWORD = r"(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)"
_REPO = r"[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+"
_REFERENCE = (
    rf"(?:https?://github\.com/(?P<url_repo>{_REPO})/issues/(?P<url_number>\d+)"
    rf"|(?P<repo>{_REPO})?#(?P<number>\d+))(?![\w/#])"
)
# The keyword starts a word ("prefix #12" is not "fix #12"), then an optional colon.
_CLOSING_RE = re.compile(rf"(?<![\w/.-]){_KEYWORD}(?::[ \t]*|[ \t]+){_REFERENCE}", re.IGNORECASE)
_REFERENCE_RE = re.compile(rf"(?<![\w/.-]){_REFERENCE}", re.IGNORECASE)
# For the database to pick the candidates (case-insensitive; PostgreSQL's and Python's
# regular expressions read it alike): a keyword stem, an optional colon and blanks, then
# something that starts a reference. Every text `closing_references` finds a reference in
# matches it (property-tested); "Fix 123: crash" does not, so PRs titled "Fix ..." without
# a reference are not read into Python at all.
CLOSING_CANDIDATE = r"(clos|fix|resolv)[a-z]*:?[ \t]*([a-z0-9._/-]*#[0-9]|https?://github\.com/)"
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN_RE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)


def strip_code(markdown: str) -> str:
    """The text outside fenced code blocks and inline code spans (where keywords don't count)."""
    kept: list[str] = []
    fence = ""
    for line in markdown.splitlines():
        match = _FENCE_RE.match(line)
        if fence:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = ""
            kept.append("")
        elif match:
            fence = match.group(1)
            kept.append("")
        else:
            kept.append(line)
    return _CODE_SPAN_RE.sub(" ", "\n".join(kept))


def _issue_number(match: re.Match[str], repository: str) -> int | None:
    repo = match.group("url_repo") or match.group("repo")
    if repo is not None and repo.lower() != repository.lower():
        return None  # another repository's issue is not one of ours
    return int(match.group("url_number") or match.group("number"))


def closing_references(text: str, *, repository: str) -> list[int]:
    """Issue numbers of `repository` that `text` would close on merge, in order, once each."""
    found = (_issue_number(m, repository) for m in _CLOSING_RE.finditer(strip_code(text)))
    return list(dict.fromkeys(n for n in found if n is not None))


def references(text: str, *, repository: str) -> list[int]:
    """Every issue number of `repository` that `text` mentions (with or without a keyword)."""
    found = (_issue_number(m, repository) for m in _REFERENCE_RE.finditer(strip_code(text)))
    return list(dict.fromkeys(n for n in found if n is not None))


def closing_keyword_detail(numbers: Iterable[int]) -> str:
    listed = ", ".join(f"#{n}" for n in numbers)
    return (
        f"A closing keyword links bug {listed}: merging would close it before QA verifies "
        f'the fix. Reference it without the keyword (e.g. "For {listed}").'
    )


def unreleased_bug_problems(
    *, labels: Iterable[str], assignees: Iterable[str], group_labels: Iterable[str]
) -> list[str]:
    """What an open `~unreleased bug` lacks: `:release`, its product group label, an assignee."""
    names = set(labels)
    problems = []
    if RELEASE_LABEL not in names:
        problems.append("no `:release` label")
    if not names & set(group_labels):
        problems.append("no product group label")
    if not list(assignees):
        problems.append("no assignee (the engineer, else the group's EM)")
    return problems


def rc_merge_allowed(
    *, referenced: Iterable[int], open_unreleased_bugs: Iterable[int], exception_approved: bool
) -> bool:
    """A PR into the RC branch is an unreleased bug fix (references an open `~unreleased bug`)
    or feature work with an approved feature-merge exception."""
    return exception_approved or bool(set(referenced) & set(open_unreleased_bugs))


def rc_merge_detail(*, branch: str, exception_state: str | None) -> str:
    pending = f" (its merge exception is {exception_state})" if exception_state else ""
    return (
        f"Open into {branch} without referencing an open `~unreleased bug`{pending}: only "
        "unreleased bug fixes merge now; feature work needs an approved merge exception."
    )


@dataclass(frozen=True)
class Finding:
    """One hygiene finding: a PR or issue, the rule it breaks, and who should act."""

    rule: str
    number: int
    title: str
    detail: str
    act: str  # who should act: "@login", a person's name, or a role
    url: str

    @property
    def rule_text(self) -> str:
        return RULE_TEXT[self.rule]

    @property
    def section(self) -> str:
        return HANDBOOK_SECTION[self.rule]

    def as_json(self) -> dict[str, object]:
        return {"rule": self.rule, "number": self.number, "detail": self.detail}
