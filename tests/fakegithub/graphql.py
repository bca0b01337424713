"""`POST /graphql` of the fake GitHub, executed by graphql-core on GitHub's published schema.

The schema is `schema.json` of the npm package `@octokit/graphql-schema` (see
`tests/fixtures/github/graphql/README.md`), so a query GitHub would reject (a field that
does not exist, a wrong argument type, a missing variable) is rejected here too, with
GitHub's answer shape: HTTP 200 and `{"errors": [{"message", "locations", ...}]}`.

Resolvers serve the boards of `FakeBoards`: `organization(login).projectV2(number)` with
`field(name:)`, `items(first, after)` (at most 100 a page, as GitHub enforces), and
`fieldValueByName(name:)`; `node(id:)` for an item; and the mutation
`updateProjectV2ItemFieldValue`, which moves an item to another Status option.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphql import (
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_client_schema,
    execute,
    parse,
    validate,
)

from .boards import FakeBoard, FakeItem

if TYPE_CHECKING:  # the server imports this module: a runtime import would be a cycle
    from .server import FakeGitHub

SCHEMA_FILE = (
    Path(__file__).resolve().parent.parent / "fixtures" / "github" / "graphql" / "schema.json.gz"
)
MAX_PAGE = 100


class NotFound(GraphQLError):
    """GitHub's `"type": "NOT_FOUND"` error."""


@cache
def github_schema() -> GraphQLSchema:
    """GitHub's schema, patched the two ways graphql-core needs (see NOTES.md)."""
    with gzip.open(SCHEMA_FILE, "rt", encoding="utf-8") as handle:
        schema = build_client_schema(json.load(handle))
    for named in schema.type_map.values():
        if isinstance(named, (GraphQLUnionType, GraphQLInterfaceType)):
            named.resolve_type = _resolve_type
        if isinstance(named, (GraphQLObjectType, GraphQLInterfaceType)):
            for interface in named.interfaces:
                for name, interface_field in interface.fields.items():
                    own = named.fields.get(name)
                    if own is not None and not interface_field.deprecation_reason:
                        own.deprecation_reason = None
    return schema


def _resolve_type(value: Any, info: Any, abstract: Any) -> str:
    return value["__typename"]


class GraphQLFake:
    """Executes one GraphQL request against the fake's boards."""

    def __init__(self, fake: FakeGitHub) -> None:
        self.fake = fake

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        query, variables = body.get("query"), body.get("variables") or {}
        if not isinstance(query, str) or not isinstance(variables, dict):
            return {"errors": [{"message": "A query attribute must be specified and a string."}]}
        schema = github_schema()
        try:
            document = parse(query)
        except GraphQLError as exc:
            return {"errors": [_error(exc)]}
        problems = validate(schema, document)
        if problems:
            return {"errors": [_error(problem) for problem in problems]}
        root = {
            "organization": self._organization,
            "node": self._node,
            "updateProjectV2ItemFieldValue": self._update_field_value,
        }
        result = execute(schema, document, root_value=root, variable_values=variables)
        answer: dict[str, Any] = {"data": result.data}
        if result.errors:
            answer["errors"] = [_error(error) for error in result.errors]
        return answer

    # -- resolvers ------------------------------------------------------------------------

    def _organization(self, info: Any, login: str) -> dict[str, Any]:
        boards = [b for b in self.fake.boards.boards.values() if b.org.lower() == login.lower()]
        if not boards and login.lower() not in self.fake.users:
            raise NotFound(f"Could not resolve to an Organization with the login of '{login}'.")

        def project(info: Any, number: int) -> dict[str, Any]:
            board = self.fake.boards.board(login, number)
            if board is None:
                raise NotFound(f"Could not resolve to a ProjectV2 with the number {number}.")
            return self._board(board)

        return {"__typename": "Organization", "login": login, "projectV2": project}

    def _board(self, board: FakeBoard) -> dict[str, Any]:
        def status_field(info: Any, name: str) -> dict[str, Any] | None:
            if name != "Status":
                return None
            return {
                "__typename": "ProjectV2SingleSelectField",
                "id": board.status_field_id,
                "name": "Status",
                "dataType": "SINGLE_SELECT",
                "options": lambda info, names=None: [
                    {"id": oid, "name": oname}
                    for oid, oname in board.options
                    if names is None or oname in names
                ],
            }

        def items(info: Any, first: int | None = None, after: str | None = None, **_: Any):
            if first is None or not 1 <= first <= MAX_PAGE:
                raise GraphQLError(
                    f"Requesting {first} records on the `items` connection exceeds the "
                    f"`first` limit of {MAX_PAGE} records."
                    if first
                    else "You must provide a `first` or `last` value to properly paginate "
                    "the `items` connection."
                )
            ordered = sorted(board.items.values(), key=lambda item: item.position)
            start = int(after.removeprefix("cursor:")) if after else 0
            page = ordered[start : start + first]
            end = start + len(page)
            return {
                "totalCount": len(ordered),
                "nodes": [self._item(board, item) for item in page],
                "edges": [
                    {"cursor": f"cursor:{start + i + 1}", "node": self._item(board, item)}
                    for i, item in enumerate(page)
                ],
                "pageInfo": {
                    "hasNextPage": end < len(ordered),
                    "hasPreviousPage": start > 0,
                    "endCursor": f"cursor:{end}" if page else None,
                    "startCursor": f"cursor:{start + 1}" if page else None,
                },
            }

        return {
            "__typename": "ProjectV2",
            "id": board.id,
            "number": board.number,
            "title": board.title,
            "closed": board.closed,
            "field": status_field,
            "items": items,
        }

    def _item(self, board: FakeBoard, item: FakeItem) -> dict[str, Any]:
        def value(info: Any, name: str) -> dict[str, Any] | None:
            if name != "Status" or item.status is None:
                return None
            return {
                "__typename": "ProjectV2ItemFieldSingleSelectValue",
                "optionId": item.status,
                "name": board.option_name(item.status),
            }

        return {
            "__typename": "ProjectV2Item",
            "id": item.id,
            "isArchived": item.archived,
            "updatedAt": item.updated_at,
            "type": {"Issue": "ISSUE", "PullRequest": "PULL_REQUEST"}.get(
                item.content_type, "DRAFT_ISSUE"
            ),
            "project": lambda info: self._board(board),
            "fieldValueByName": value,
            "content": self._content(item),
        }

    def _content(self, item: FakeItem) -> dict[str, Any]:
        content: dict[str, Any] = {
            "__typename": item.content_type,
            "id": item.content_id,
            "title": item.title,
        }
        if item.number is not None:
            owner, _, name = item.repository.partition("/")
            kind = "pull" if item.content_type == "PullRequest" else "issues"
            content |= {
                "number": item.number,
                "url": f"https://github.com/{item.repository}/{kind}/{item.number}",
                "repository": {
                    "__typename": "Repository",
                    "nameWithOwner": item.repository,
                    "name": name,
                    "owner": {"__typename": "Organization", "login": owner},
                },
            }
        return content

    def _node(self, info: Any, id: str) -> dict[str, Any] | None:
        found = self.fake.boards.find_item(id)
        if found is None:
            raise NotFound(f"Could not resolve to a node with the global id of '{id}'")
        return self._item(*found)

    def _update_field_value(self, info: Any, input: dict[str, Any]) -> dict[str, Any]:
        found = self.fake.boards.find_item(input["itemId"])
        if found is None or found[0].id != input["projectId"]:
            raise NotFound(f"Could not resolve to ProjectV2Item with id '{input['itemId']}'")
        board, item = found
        if input["fieldId"] != board.status_field_id:
            raise GraphQLError(f"The field {input['fieldId']} does not belong to the project")
        option = input["value"].get("singleSelectOptionId")
        if board.option_name(option) is None:
            raise GraphQLError(
                f"The single select option Id does not belong to the field: {option}"
            )
        with self.fake._lock:
            item.status = option
            item.updated_at = self.fake.now()
        return {
            "clientMutationId": input.get("clientMutationId"),
            "projectV2Item": self._item(board, item),
        }


def _error(error: GraphQLError) -> dict[str, Any]:
    body: dict[str, Any] = {"message": error.message}
    original = error.original_error
    if isinstance(error, NotFound) or isinstance(original, NotFound):
        body["type"] = "NOT_FOUND"
    if error.path:
        body["path"] = list(error.path)
    if error.locations:
        body["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    return body
