"""Projects (v2) boards in the mirror: the client's GraphQL, the sync, the selectors, moves."""

from __future__ import annotations

import io
import json
import math

import pytest
import requests
from django.core.management import call_command

from fleetops.github.boards.models import Board, BoardColumn, BoardItem
from fleetops.github.boards.selectors import (
    board_column_get,
    board_for_group,
    board_items,
    board_items_by_column,
    board_items_of_issues,
    board_summaries,
    group_items_in_column,
    group_readiness,
)
from fleetops.github.boards.services import boards_sync
from fleetops.github.client import (
    BOARD_ITEM_FRAGMENT,
    BOARD_ITEM_QUERY,
    BOARD_ITEM_STATUS_MUTATION,
    BOARD_QUERY,
    GitHubClient,
    GitHubNotFound,
    GitHubPermanentError,
    GitHubTransientError,
)
from fleetops.github.gateway import board_item_move
from fleetops.github.models import GitHubWrite, Issue, Milestone, SyncRun
from fleetops.github.tasks import boards_sync_task
from fleetops.github.upsert import repository_get
from fleetops.org.models import Organization
from tests.factories import ProductGroupFactory

pytestmark = pytest.mark.django_db

ORG = "fleetdm"
REPO = "fleetdm/fleet"
CONFIDENTIAL = "fleetdm/confidential"
MDM_BOARD, DRAFTING_BOARD = 58, 67
COLUMNS = ["Ready", "🏗 In progress", "👀 Awaiting QA", "✅ Ready for release", "Closed"]


@pytest.fixture
def organisation(db):
    Organization.objects.create(pk=1, github_login=ORG, drafting_board=DRAFTING_BOARD)
    return ProductGroupFactory(slug="mdm", name="MDM", github_label="#g-mdm", board_number=58)


@pytest.fixture
def boards(fake_github, organisation):
    """The fake's MDM board (issues of two repositories, a PR, a draft) and drafting board."""
    fake_github.add_board(ORG, MDM_BOARD, title="MDM sprint", columns=COLUMNS)
    fake_github.add_board(ORG, DRAFTING_BOARD, title="Drafting", columns=["Confirm and celebrate"])
    return fake_github


def _graphql_requests(fake) -> int:
    return len(fake.requests_to("/graphql", method="POST"))


def _post(fake, query: str, variables: dict) -> dict:
    answer = requests.post(
        f"{fake.url}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": "token test"},
        timeout=10,
    )
    assert answer.status_code == 200
    return answer.json()


# -- the fake answers on GitHub's real schema --------------------------------------------


def test_fake_graphql_rejects_a_field_github_does_not_have(boards):
    answer = _post(
        boards,
        'query { organization(login: "fleetdm") { projectV2(number: 58) { id columns } } }',
        {},
    )
    assert "data" not in answer
    assert answer["errors"][0]["message"] == "Cannot query field 'columns' on type 'ProjectV2'."


def test_fake_graphql_rejects_a_wrong_argument_type(boards):
    answer = _post(boards, BOARD_QUERY + BOARD_ITEM_FRAGMENT, {"organization": ORG, "number": "58"})
    assert "Int" in answer["errors"][0]["message"]


def test_fake_graphql_accepts_the_clients_queries_and_mutation(boards):
    item = boards.add_board_item(ORG, MDM_BOARD, status="Ready", repository=REPO, issue=1)
    board = boards.boards.board(ORG, MDM_BOARD)
    for query, variables in [
        (BOARD_QUERY + BOARD_ITEM_FRAGMENT, {"organization": ORG, "number": MDM_BOARD}),
        (BOARD_ITEM_QUERY + BOARD_ITEM_FRAGMENT, {"id": item.id}),
        (
            BOARD_ITEM_STATUS_MUTATION,
            {
                "project": board.id,
                "item": item.id,
                "field": board.status_field_id,
                "option": board.option_named("✅ Ready for release"),
            },
        ),
    ]:
        answer = _post(boards, query, variables)
        assert "errors" not in answer, answer
    assert board.option_name(item.status) == "✅ Ready for release"


def test_client_maps_graphql_errors(boards):
    client = GitHubClient()
    with pytest.raises(GitHubNotFound, match="number 99"):
        client.board_page(ORG, 99)
    with pytest.raises(GitHubPermanentError, match="Cannot query field"):
        client.graphql("query { viewer { noSuchField } }", {})
    boards.fail_next(1, status=502, path_contains="/graphql")
    with pytest.raises(GitHubTransientError):
        client.board_page(ORG, MDM_BOARD)
    assert client.requests == 3


# -- the sync ---------------------------------------------------------------------------


def test_boards_sync_reads_columns_items_and_normalizes_emoji(boards):
    boards.add_board_item(ORG, MDM_BOARD, status="✅ Ready for release", repository=REPO, issue=7)
    boards.add_board_item(
        ORG, MDM_BOARD, status="🏗 In progress", repository=REPO, issue=8, pull_request=True
    )
    boards.add_board_item(ORG, MDM_BOARD, status=None, title="An idea")
    run = boards_sync()
    assert run.outcome == "ok", run.error
    assert run.kind == "boards"
    board = Board.objects.get(number=MDM_BOARD)
    assert board.title == "MDM sprint"
    assert list(board.columns.values_list("column", flat=True)) == [
        "Ready",
        "In progress",
        "Awaiting QA",
        "Ready for release",
        "Closed",
    ]
    assert board.columns.get(column="Ready for release").name == "✅ Ready for release"
    by_column = board_items_by_column(board=board)
    assert [(i.number, i.content_type) for i in by_column["Ready for release"]] == [(7, "issue")]
    assert [i.content_type for i in by_column["In progress"]] == ["pull_request"]
    assert [i.title for i in by_column["No Status"]] == ["An idea"]
    assert Board.objects.get(number=DRAFTING_BOARD).columns.get().column == "Confirm and celebrate"


def test_boards_sync_pages_100_items_a_request(boards):
    for n in range(1, 251):
        boards.add_board_item(ORG, MDM_BOARD, status="Ready", repository=REPO, issue=n)
    boards.reset_counts()
    run = boards_sync()
    # 250 items: 3 pages of the MDM board, 1 of the (empty) drafting board.
    assert _graphql_requests(boards) == math.ceil(250 / 100) + 1 == run.requests
    assert BoardItem.objects.filter(board__number=MDM_BOARD).count() == 250
    assert run.rows == 2 + 6 + 250  # two boards, six columns, 250 items


def test_items_of_another_repository_stay_apart_from_the_product_issues(boards):
    product = repository_get(REPO)
    issue = Issue.objects.create(
        repository=product,
        github_id=1,
        number=12,
        title="Product #12",
        state="open",
        author_login="x",
        created_at="2026-11-01T00:00Z",
        updated_at="2026-11-01T00:00Z",
        milestone=Milestone.objects.create(
            repository=product, github_id=2, number=3, title="4.80.0", state="open"
        ),
    )
    boards.add_board_item(ORG, MDM_BOARD, status="✅ Ready for release", repository=REPO, issue=12)
    boards.add_board_item(
        ORG,
        MDM_BOARD,
        status="✅ Ready for release",
        repository=CONFIDENTIAL,
        issue=12,
        title="Confidential #12",
    )
    boards_sync()
    ours, theirs = BoardItem.objects.order_by("repository")
    assert (theirs.repository, theirs.issue, theirs.title) == (REPO, issue, "#12")
    assert (ours.repository, ours.number, ours.issue, ours.title) == (
        CONFIDENTIAL,
        12,
        None,
        "Confidential #12",
    )
    ready = group_items_in_column(group_slug="mdm", milestone="4.80.0")
    assert list(ready) == [theirs]  # the confidential #12 has no milestone in the mirror
    assert board_for_group(group_slug="mdm").number == MDM_BOARD
    assert board_for_group(group_slug=None).number == DRAFTING_BOARD
    summary = next(s for s in board_summaries() if s.board.number == MDM_BOARD)
    assert ("Ready for release", 2) in summary.columns
    assert (summary.purpose, summary.other_repositories) == ("group mdm", 1)


def test_second_sync_deletes_items_gone_from_github_and_archives_are_kept_apart(boards):
    keep = boards.add_board_item(ORG, MDM_BOARD, status="Ready", repository=REPO, issue=1)
    gone = boards.add_board_item(ORG, MDM_BOARD, status="Ready", repository=REPO, issue=2)
    boards.add_board_item(ORG, MDM_BOARD, status="Ready", repository=REPO, issue=3, archived=True)
    boards_sync()
    board = Board.objects.get(number=MDM_BOARD)
    assert board_items(board=board).count() == 2
    assert board_items(board=board, include_archived=True).count() == 3
    boards.remove_board_item(gone.id)
    boards.move_board_item(keep.id, "Closed")
    second = boards_sync()
    assert set(BoardItem.objects.values_list("number", flat=True)) == {1, 3}
    assert BoardItem.objects.get(node_id=keep.id).status.column == "Closed"
    assert second.rows == 2  # one moved, one deleted
    assert boards_sync().rows == 0  # nothing changed on GitHub: nothing written


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ({"status": 502}, "502"),
        ({"status": 200, "kind": "graphql"}, "Something went wrong"),
    ],
)
def test_failed_board_sync_is_recorded_and_changes_nothing(boards, fault, message):
    for n in range(1, 151):
        boards.add_board_item(ORG, MDM_BOARD, status="Ready", repository=REPO, issue=n)
    boards_sync()
    before = list(BoardItem.objects.values_list("node_id", "status__column").order_by("node_id"))
    for item in list(boards.boards.board(ORG, MDM_BOARD).items.values())[:20]:
        boards.remove_board_item(item.id)
    # The board's second page fails: the first page was read, nothing may be written.
    calls = []

    def second_page_fails(info):
        if info.path == "/graphql":
            calls.append(info)
            if len(calls) == 2:
                if fault.get("kind") == "graphql":
                    return 200, {"data": None, "errors": [{"message": "Something went wrong"}]}
                return fault["status"]
        return None

    boards.on_request = second_page_fails
    with pytest.raises((GitHubTransientError, GitHubPermanentError)):
        boards_sync()
    run = SyncRun.objects.filter(kind="boards").latest("started_at")
    assert run.outcome == "error"
    assert message in run.error
    after = list(BoardItem.objects.values_list("node_id", "status__column").order_by("node_id"))
    assert after == before


def test_boards_sync_task_without_boards_configured_makes_no_request(fake_github):
    assert boards_sync_task() == "boards sync: no boards configured"
    assert fake_github.request_count == 0
    assert not SyncRun.objects.filter(kind="boards").exists()


def test_boards_sync_task_twice_changes_nothing_the_second_time(boards):
    boards.add_board_item(ORG, MDM_BOARD, status="Ready", repository=REPO, issue=1)
    assert "ok" in boards_sync_task()
    assert boards_sync_task().endswith("0 rows changed")
    assert BoardItem.objects.count() == 1


# -- moves through the gateway -------------------------------------------------------------


def test_board_item_move_dry_run_records_and_live_moves_the_card(boards, settings):
    item = boards.add_board_item(ORG, MDM_BOARD, status="👀 Awaiting QA", repository=REPO, issue=5)
    boards_sync()
    mirrored = BoardItem.objects.get(node_id=item.id)
    board = mirrored.board
    ready = board_column_get(board=board, column="ready for release")
    settings.FLEETOPS_GITHUB_WRITE = False
    preview = board_item_move(item=mirrored, column=ready, reason="test")
    assert (preview.status, preview.method, preview.path) == ("dry-run", "GRAPHQL", "/graphql")
    assert _graphql_requests(boards) == 2  # the two board reads only
    settings.FLEETOPS_GITHUB_WRITE = True
    write = board_item_move(item=mirrored, column=ready, reason="test")
    assert write.status == GitHubWrite.Status.DONE, write.error
    fake_board = boards.boards.board(ORG, MDM_BOARD)
    assert fake_board.option_name(item.status) == "✅ Ready for release"
    assert BoardItem.objects.get(node_id=item.id).status == ready


def test_board_columns_are_unique_per_board_option(boards):
    boards_sync()
    assert BoardColumn.objects.filter(board__number=MDM_BOARD).count() == len(COLUMNS)
    boards_sync()
    assert BoardColumn.objects.filter(board__number=MDM_BOARD).count() == len(COLUMNS)


def test_boards_sync_skips_while_another_boards_run_is_running(boards):
    running = boards_sync()
    SyncRun.objects.filter(pk=running.pk).update(outcome="running", finished_at=None)
    boards.reset_counts()
    skipped = boards_sync()
    assert (skipped.outcome, skipped.error) == ("skipped", "another boards sync is running")
    assert boards.request_count == 0


def test_sync_github_command_syncs_the_boards_after_the_repository(boards):
    number = 32401  # an issue of the fixture repository
    boards.add_board_item(
        ORG, MDM_BOARD, status="✅ Ready for release", repository=REPO, issue=number
    )
    out = io.StringIO()
    call_command("sync_github", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["outcome"] == "ok", data["error"]
    assert data["boards"] == {"requests": 2, "rows": 2 + 6 + 1, "outcome": "ok"}
    assert data["requests"] == len(boards.requests)
    item = BoardItem.objects.get()
    assert item.issue == Issue.objects.get(repository__full_name=REPO, number=number)


def test_group_readiness_splits_the_milestones_items_by_column(boards):
    product = repository_get(REPO)
    milestone = Milestone.objects.create(
        repository=product, github_id=2, number=3, title="4.80.0", state="open"
    )
    other = Milestone.objects.create(
        repository=product, github_id=3, number=4, title="4.81.0", state="open"
    )
    for number, mine in ((1, milestone), (2, milestone), (3, milestone), (4, other)):
        Issue.objects.create(
            repository=product,
            github_id=number,
            number=number,
            title=f"#{number}",
            state="open",
            author_login="x",
            created_at="2026-11-01T00:00Z",
            updated_at="2026-11-01T00:00Z",
            milestone=mine,
        )
    boards.add_board_item(ORG, MDM_BOARD, status="✅ Ready for release", repository=REPO, issue=1)
    boards.add_board_item(ORG, MDM_BOARD, status="👀 Awaiting QA", repository=REPO, issue=2)
    boards.add_board_item(ORG, MDM_BOARD, status=None, repository=REPO, issue=3)
    boards.add_board_item(ORG, MDM_BOARD, status="✅ Ready for release", repository=REPO, issue=4)
    boards.add_board_item(
        ORG, MDM_BOARD, status="✅ Ready for release", repository=REPO, issue=1, archived=True
    )
    boards.add_board_item(
        ORG, DRAFTING_BOARD, status="Confirm and celebrate", repository=REPO, issue=2
    )
    boards_sync()
    readiness = group_readiness(group_slug="mdm", milestone="4.80.0")
    assert [item.number for item in readiness.ready] == [1]
    assert [(item.number, column) for item, column in readiness.not_ready] == [
        (2, "Awaiting QA"),
        (3, "No Status"),
    ]
    assert group_readiness(group_slug="nobody", milestone="4.80.0").board is None
    drafting = board_for_group(group_slug=None)
    assert [i.number for i in board_items_of_issues(board=drafting, numbers=[1, 2])] == [2]
