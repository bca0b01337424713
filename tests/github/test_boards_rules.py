"""Column names without their decoration, and GraphQL answers read into plain data."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fleetops.github.boards.rules import (
    BoardAnswerError,
    column_name_normalize,
    item_data_read,
)


@pytest.mark.parametrize(
    ("name", "column"),
    [
        ("✅ Ready for release", "Ready for release"),
        ("Ready for release ✅", "Ready for release"),
        ("🏗️ In progress", "In progress"),  # with a variation selector
        ("👀  Awaiting   QA", "Awaiting QA"),
        ("🎉 Confirm and celebrate", "Confirm and celebrate"),
        ("1️⃣ Ready", "1 Ready"),  # keycap: the digit is part of the name
        ("Closed", "Closed"),
        ("👩‍💻 Estimated", "Estimated"),  # a zero-width-joined emoji
        ("Ready – for review", "Ready – for review"),  # noqa: RUF001
    ],
)
def test_column_name_normalize_strips_emoji_and_spaces(name, column):
    assert column_name_normalize(name) == column


@given(st.text(alphabet=st.characters(categories=["L", "N", "Zs"]), max_size=40))
def test_column_name_normalize_keeps_plain_words(name):
    assert column_name_normalize(name) == " ".join(unicodedata.normalize("NFC", name).split())


@given(st.text(max_size=60))
def test_column_name_normalize_is_idempotent_and_emoji_free(name):
    column = column_name_normalize(name)
    assert column_name_normalize(column) == column
    assert "✅" not in column
    assert column == column.strip()


def test_item_read_of_an_issue_a_draft_and_an_item_without_content():
    issue = item_data_read(
        {
            "id": "PVTI_1",
            "isArchived": False,
            "updatedAt": "2026-11-02T17:00:00Z",
            "fieldValueByName": {"optionId": "abc12345", "name": "Ready"},
            "content": {
                "__typename": "Issue",
                "id": "I_1",
                "number": 7,
                "title": "Bug",
                "repository": {"nameWithOwner": "fleetdm/fleet"},
            },
        }
    )
    assert (issue.content_type, issue.repository, issue.number) == ("issue", "fleetdm/fleet", 7)
    assert issue.status_option_id == "abc12345"
    draft = item_data_read(
        {
            "id": "PVTI_2",
            "isArchived": True,
            "fieldValueByName": None,
            "content": {"__typename": "DraftIssue", "id": "DI_1", "title": "Idea"},
        }
    )
    assert (draft.content_type, draft.number, draft.status_option_id) == ("draft", None, None)
    # An item whose content the token cannot see (a private repository) has content null.
    hidden = item_data_read({"id": "PVTI_3", "isArchived": False, "content": None})
    assert hidden.content_type == "draft"


@given(st.one_of(st.none(), st.integers(), st.text(), st.dictionaries(st.text(), st.text())))
def test_item_read_of_garbage_raises_one_clear_error(node):
    with pytest.raises(BoardAnswerError):
        item_data_read(node)
