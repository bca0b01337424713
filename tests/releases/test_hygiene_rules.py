"""The hygiene rules, pure: closing keywords as GitHub reads them, outside code only."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from releases.hygiene import rules

REPO = "fleetdm/fleet"
KEYWORDS = ["close", "closes", "closed", "fix", "fixes", "fixed", "resolve", "resolves", "resolved"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fixes #123", [123]),
        ("closes: #7", [7]),
        ("RESOLVED fleetdm/fleet#42", [42]),
        ("This fixes https://github.com/fleetdm/fleet/issues/99 for good", [99]),
        ("Fixed #1, closes #2 and resolves #1", [1, 2]),
        ("- [x] Fix:#5", [5]),
        ("(fixes #8)", [8]),
    ],
)
def test_closing_references_finds_githubs_keywords(text, expected):
    assert rules.closing_references(text, repository=REPO) == expected


@pytest.mark.parametrize(
    "text",
    [
        "For #123",
        "Related to #123; see also fleetdm/fleet#4",
        "The prefix #12 of the hash",  # "fix" inside a word
        "suffixes #12",
        "Use `Fixes #123` in your PR",  # a code span
        "Use ``fixes #1`` here",
        "```\nFixes #123\n```",  # a fenced block
        "~~~md\ncloses #4\n~~~\nthen #4",
        "Fixes other/repo#12",  # another repository's issue
        "Fixes #12abc",
        "Fixes the bug in #12",  # the keyword must name the issue
        "fixes https://github.com/other/repo/issues/5",
    ],
)
def test_closing_references_ignores_what_github_would_not_close(text):
    assert rules.closing_references(text, repository=REPO) == []


def test_closing_references_after_an_unclosed_fence_is_code():
    assert rules.closing_references("```\nFixes #1\n", repository=REPO) == []
    assert rules.closing_references("```\nx\n```\nFixes #1", repository=REPO) == [1]


@given(
    keyword=st.sampled_from(KEYWORDS),
    case=st.sampled_from([str.lower, str.upper, str.title]),
    colon=st.booleans(),
    number=st.integers(min_value=1, max_value=10**6),
    form=st.sampled_from(
        ["#{n}", "fleetdm/fleet#{n}", "https://github.com/fleetdm/fleet/issues/{n}"]
    ),
    before=st.sampled_from(["", "This PR ", "- ", "\n", "(", "Bug: "]),
)
def test_any_closing_keyword_form_is_found(keyword, case, colon, number, form, before):
    text = f"{before}{case(keyword)}{':' if colon else ''} {form.format(n=number)}"
    assert rules.closing_references(text, repository=REPO) == [number]
    # The same words inside a code span, or glued to a word, close nothing.
    assert rules.closing_references(f"`{text}`", repository=REPO) == []
    assert rules.closing_references(f"pre{case(keyword)} #{number}", repository=REPO) == []


@given(st.text(max_size=300))
def test_closing_references_never_fails_on_any_text(text):
    found = rules.closing_references(text, repository=REPO)
    assert all(isinstance(n, int) for n in found)
    assert set(found) <= set(rules.references(text, repository=REPO))


def test_references_count_plain_mentions():
    assert rules.references("Cherry-pick of #12 (for fleetdm/fleet#13)", repository=REPO) == [
        12,
        13,
    ]
    assert rules.references("See `#12`", repository=REPO) == []


def test_unreleased_bug_problems_names_each_missing_part():
    groups = ["#g-mdm", "#g-software"]
    assert (
        rules.unreleased_bug_problems(
            labels=["bug", "~unreleased bug", ":release", "#g-mdm"],
            assignees=["ann"],
            group_labels=groups,
        )
        == []
    )
    assert rules.unreleased_bug_problems(
        labels=["bug", "~unreleased bug"], assignees=[], group_labels=groups
    ) == [
        "no `:release` label",
        "no product group label",
        "no assignee (the engineer, else the group's EM)",
    ]


def test_rc_merge_allowed_for_bug_fixes_and_approved_exceptions_only():
    assert rules.rc_merge_allowed(
        referenced=[5], open_unreleased_bugs={5}, exception_approved=False
    )
    assert rules.rc_merge_allowed(referenced=[], open_unreleased_bugs={5}, exception_approved=True)
    assert not rules.rc_merge_allowed(
        referenced=[6], open_unreleased_bugs={5}, exception_approved=False
    )


@given(
    keyword=st.sampled_from(KEYWORDS),
    case=st.sampled_from([str.lower, str.upper, str.title]),
    gap=st.sampled_from([" ", ":", ": ", ":\t", "\t", "  "]),
    number=st.integers(min_value=1, max_value=10**6),
    form=st.sampled_from(
        [
            "#{n}",
            "fleetdm/fleet#{n}",
            "a.b-c/d_e.f#{n}",
            "https://github.com/fleetdm/fleet/issues/{n}",
        ]
    ),
    around=st.text(max_size=80),
)
def test_the_database_sieve_keeps_every_text_with_a_closing_reference(
    keyword, case, gap, number, form, around
):
    """`CLOSING_CANDIDATE` runs in the database before the rules: it may keep too much,
    never too little."""
    for text in (f"{around}{case(keyword)}{gap}{form.format(n=number)}", around):
        if rules.closing_references(text, repository=REPO):
            assert re.search(rules.CLOSING_CANDIDATE, text, re.IGNORECASE), text


@given(st.text(max_size=300))
def test_the_database_sieve_keeps_any_text_the_rules_close_from(text):
    if rules.closing_references(text, repository=REPO):
        assert re.search(rules.CLOSING_CANDIDATE, text, re.IGNORECASE)


def test_the_database_sieve_drops_fix_titles_without_a_reference():
    assert not re.search(rules.CLOSING_CANDIDATE, "Fix 123: crash on login", re.IGNORECASE)
    assert re.search(rules.CLOSING_CANDIDATE, "Fixes: #123", re.IGNORECASE)
