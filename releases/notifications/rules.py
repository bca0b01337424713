"""Notify stakeholders when a user story is pushed to the next release: what to say, to whom.

Handbook, "Notify stakeholders when a user story is pushed to the next release": "1. Add
the `~pushed` label to the user story. 2. Update the user story's milestone to the next
minor version milestone. 3. Comment on the GitHub issue and at-mention the Head of Product
Design and anyone listed in the requester field. 4. If `customer-` labels are applied to
the user story, at-mention the VP of Customer Success in the #g-mdm, #g-software, or
#g-orchestration Slack channel."

Pure: no ORM, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from releases.hygiene.rules import strip_code

PUSHED = "~pushed"
STORY = "story"
CUSTOMER_PREFIX = "customer-"

# A "requester" field line of the story template: "**Requester(s):** @a, @b",
# "Requested by: @c", "Requestor: @d" (any case, bold or not, in a list or a table cell).
_REQUESTER_LINE = re.compile(
    r"^[\s>*_|#-]*request(?:er|or|ed[ \t]+by)(?:\(s\)|s)?[\s*_|]*:?[\s*_|]*(?P<rest>.*)$",
    re.IGNORECASE | re.MULTILINE,
)
_LOGIN = re.compile(r"(?<![\w@/.])@([A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})(?![\w-])")


def requesters(body: str) -> list[str]:
    """The GitHub logins the story's requester field names, in order, once each."""
    found: list[str] = []
    for line in _REQUESTER_LINE.finditer(strip_code(body or "")):
        found += _LOGIN.findall(line.group("rest"))
    return list(dict.fromkeys(found))


def customer_labels(labels: Iterable[str]) -> list[str]:
    return sorted(label for label in labels if label.lower().startswith(CUSTOMER_PREFIX))


def mentions(*, head_of_product_design: str, requesters: Iterable[str]) -> list[str]:
    """Whom the comment at-mentions: the Head of Product Design, then the requesters."""
    logins = [head_of_product_design.lstrip("@")] if head_of_product_design else []
    return [f"@{login}" for login in dict.fromkeys([*logins, *requesters])]


def pushed_comment(*, milestone: str, mentioned: Iterable[str]) -> str:
    who = " ".join(mentioned)
    where = f"milestone {milestone}" if milestone else "the next release"
    return (
        f"{who}{': ' if who else ''}this story was pushed to {where}; it will not ship in "
        'the release it was planned for. (Posted by fleetops, handbook: "Notify stakeholders '
        'when a user story is pushed to the next release".)'
    )


def customer_slack_text(
    *, lead: str, number: int, title: str, url: str, customers: Iterable[str], milestone: str
) -> str:
    where = f"milestone {milestone}" if milestone else "the next release"
    return (
        f"{lead}: story <{url}|#{number} {title}> ({', '.join(customers)}) was pushed to {where}."
    )
