"""The one module that talks to GitHub's REST and GraphQL APIs (through PyGithub's requester).

It returns plain data (GitHub's JSON as dicts and lists, small dataclasses) and turns every
failure into one of our errors: `GitHubRateLimited` (wait `retry_after` seconds, then go
on), `GitHubTransientError` (5xx, timeouts, connection errors: retry with backoff),
`GitHubNotFound` (404/410: the thing is gone), `GitHubMalformedResponse` and other
`GitHubPermanentError`s (retrying would not help; the run fails with the message).

PyGithub is configured for a sync, not for a script: no pause between reads (GitHub asks
integrators to make requests serially, which a sync does, and to pause a second between
writes, which PyGithub's `seconds_between_writes` keeps), and no internal retries or
rate-limit sleeps: a Celery worker must never sleep for an hour inside a request, so the
task retries itself with a countdown instead.

GraphQL (`POST /graphql`, the only way to read Projects v2 boards) goes through the same
`request` method, so it is counted and its HTTP failures map the same way. GitHub answers
a query it rejects or cannot resolve with HTTP 200 and an `errors` list: `NOT_FOUND` is
`GitHubNotFound`, `RATE_LIMITED` is `GitHubRateLimited`, anything else (a field that does
not exist, a bad argument) is a `GitHubPermanentError`; partial data is never used.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Self
from urllib.parse import parse_qs, urlparse

import requests
from django.conf import settings
from github import Auth, Github

from fleetops.core.bounds import parse_int
from fleetops.core.errors import error_report

PER_PAGE = 100

# A board, its Status field with the options' ids, and one page of its items.
BOARD_QUERY = """
query Board($organization: String!, $number: Int!, $cursor: String) {
  organization(login: $organization) {
    projectV2(number: $number) {
      id
      title
      closed
      field(name: "Status") {
        ... on ProjectV2SingleSelectField { id options { id name } }
      }
      items(first: 100, after: $cursor) {
        pageInfo { hasNextPage endCursor }
        nodes { ...BoardItem }
      }
    }
  }
}
"""
BOARD_ITEM_FRAGMENT = """
fragment BoardItem on ProjectV2Item {
  id
  isArchived
  updatedAt
  project { id }
  fieldValueByName(name: "Status") {
    ... on ProjectV2ItemFieldSingleSelectValue { optionId name }
  }
  content {
    __typename
    ... on Issue { id number title repository { nameWithOwner } }
    ... on PullRequest { id number title repository { nameWithOwner } }
    ... on DraftIssue { id title }
  }
}
"""
BOARD_ITEM_QUERY = """
query BoardItemNode($id: ID!) {
  node(id: $id) { ... on ProjectV2Item { ...BoardItem } }
}
"""
# Move an item to another column: set its Status field to one option.
BOARD_ITEM_STATUS_MUTATION = """
mutation BoardItemStatus($project: ID!, $item: ID!, $field: ID!, $option: String!) {
  updateProjectV2ItemFieldValue(
    input: {projectId: $project, itemId: $item, fieldId: $field,
            value: {singleSelectOptionId: $option}}
  ) { projectV2Item { id } }
}
"""


def board_item_status_variables(
    *, project_id: str, item_id: str, field_id: str, option_id: str
) -> dict[str, str]:
    """The variables of `BOARD_ITEM_STATUS_MUTATION` (what a gateway write records)."""
    return {"project": project_id, "item": item_id, "field": field_id, "option": option_id}


class GitHubError(Exception):
    """Any failure talking to GitHub; its message is one sentence for people (the root cause,
    no connection pool reprs: `fleetops.core.errors`); the chain keeps the details for the log."""

    service = "GitHub"  # who could not be reached, for `error_report`


class GitHubTransientError(GitHubError):
    """Worth retrying later: a 5xx, a timeout, a refused connection, a rate limit."""

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class GitHubRateLimited(GitHubTransientError):
    """GitHub asked us to wait `retry_after` seconds (primary or secondary rate limit)."""


class GitHubPermanentError(GitHubError):
    """Retrying will not help (bad credentials, forbidden, malformed answer)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class GitHubNotFound(GitHubPermanentError):
    """404 or 410: deleted, or never there."""


class GitHubMalformedResponse(GitHubPermanentError):
    """The answer is not the JSON GitHub sends."""


@dataclass(frozen=True)
class Page:
    """One page of a listing. `items` is None when GitHub answered 304 Not Modified."""

    items: list[dict[str, Any]] | None
    etag: str
    next_page: int | None
    # GitHub's keyset cursor for the next page (`after=` in the Link header of a large
    # listing): it continues right behind this page's last item, whatever moved meanwhile.
    next_cursor: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.items is None

    @property
    def has_next(self) -> bool:
        return self.next_page is not None or self.next_cursor is not None


def _listing(
    params: dict[str, Any], since: str | None, page: int, after: str | None
) -> dict[str, Any]:
    """An updated-ascending listing's query: `since`, then a cursor or a page number."""
    if since:
        params["since"] = since
    if after:
        params["after"] = after
    else:
        params["page"] = page
    return params


def _next_link(link_header: str) -> tuple[int | None, str | None]:
    """The next page's number or `after` cursor from a Link header; (None, None) at the end."""
    for part in link_header.split(","):
        section = part.split(";")
        if len(section) < 2 or 'rel="next"' not in section[1]:
            continue
        query = parse_qs(urlparse(section[0].strip().strip("<>")).query)
        cursor = query.get("after", [""])[0] or None
        try:
            number = int(query["page"][0]) if "page" in query else None
        except ValueError:
            number = None
        return (None, cursor) if cursor else (number, None)
    return None, None


def _retry_after(headers: dict[str, str], now: float | None = None) -> int | None:
    """Seconds GitHub asks us to wait, from Retry-After or the rate-limit reset time."""
    retry_after = parse_int(headers.get("retry-after"), high=2**40)
    if retry_after is not None:
        return max(retry_after, 1)
    reset = parse_int(headers.get("x-ratelimit-reset"), high=2**40)
    if headers.get("x-ratelimit-remaining") == "0" and reset is not None:
        return max(reset - int(now or time.time()), 0) + 1
    return None


class GitHubClient:
    """Reads (and, through the gateway, writes) one GitHub API; counts the requests it makes."""

    def __init__(
        self, *, base_url: str | None = None, token: str | None = None, timeout: int = 20
    ) -> None:
        token = settings.GITHUB_TOKEN if token is None else token
        self.base_url = (base_url or settings.GITHUB_API_URL).rstrip("/")
        self._github = self._make(token, timeout, settings.GITHUB_WRITE_PAUSE or None)
        self._requester = self._github.requester
        # GraphQL queries are POSTs that write nothing: they must not wait out the pause
        # between writes (30 pages of a board would take 30 s), so they get their own.
        self._queries = self._make(token, timeout, None)
        self.requests = 0

    def _make(self, token: str, timeout: int, write_pause: float | None) -> Github:
        return Github(
            base_url=self.base_url,
            auth=Auth.Token(token) if token else None,
            per_page=PER_PAGE,
            timeout=timeout,
            retry=None,
            seconds_between_requests=None,
            seconds_between_writes=write_pause,
        )

    def close(self) -> None:
        self._github.close()
        self._queries.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @classmethod
    @contextmanager
    def borrowed_or_new(cls, client: GitHubClient | None = None) -> Iterator[GitHubClient]:
        """`client` when the caller passed one (the caller closes it), else a new one, closed
        on leaving the block: `with GitHubClient.borrowed_or_new(client) as client: ...`."""
        if client is not None:
            yield client
            return
        with cls() as own:
            yield own

    # The one place a request is made.
    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        etag: str = "",
        body: Any = None,
        query: bool = False,
    ) -> tuple[int, dict[str, str], Any]:
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        if etag:
            headers["If-None-Match"] = etag
        self.requests += 1
        requester = self._queries.requester if query else self._requester
        try:
            status, response_headers, text = requester.requestJson(
                method, path, params or None, headers, body
            )
        except (requests.exceptions.RequestException, ConnectionError) as exc:
            raise GitHubTransientError(error_report(exc, service="GitHub").sentence) from exc
        headers_lower = {k.lower(): v for k, v in response_headers.items()}
        if status == 304:
            return status, headers_lower, None
        data = self._decode(method, path, status, text)
        if status >= 400:
            self._raise(method, path, status, headers_lower, data)
        return status, headers_lower, data

    @staticmethod
    def _decode(method: str, path: str, status: int, text: str) -> Any:
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError as exc:
            if status >= 500:
                return {"message": text[:200]}
            raise GitHubMalformedResponse(
                f"{method} {path} answered {status} with a body that is not JSON: {text[:80]!r}",
                status=status,
            ) from exc

    @staticmethod
    def _raise(method: str, path: str, status: int, headers: dict[str, str], data: Any) -> None:
        message = data.get("message", "") if isinstance(data, dict) else ""
        message = " ".join(str(message).split())[:120]
        # The request's path only where it is the point (404: what is missing); a refusal or
        # an outage is the same for every request, so the sentence stays the same too.
        to = f" to {method} {path}" if status in (404, 410) else ""
        what = f"GitHub answered HTTP {status}{to}" + (f": {message}" if message else "")
        wait = _retry_after(headers)
        if status == 429 or (
            status == 403 and (wait is not None or "rate limit" in message.lower())
        ):
            until = time.strftime("%H:%M UTC", time.gmtime(time.time() + (wait or 60)))
            raise GitHubRateLimited(f"GitHub rate limited us until {until}", retry_after=wait or 60)
        if status >= 500:
            raise GitHubTransientError(what)
        if status in (404, 410):
            raise GitHubNotFound(what, status=status)
        raise GitHubPermanentError(what, status=status)

    def get(
        self, path: str, *, params: dict[str, Any] | None = None, etag: str = ""
    ) -> tuple[Any, str]:
        """GET one object; returns (data, etag), data None when 304 Not Modified."""
        _, headers, data = self.request("GET", path, params=params, etag=etag)
        return data, headers.get("etag", "")

    def page(self, path: str, *, params: dict[str, Any] | None = None, etag: str = "") -> Page:
        """GET one page of a listing."""
        query = {"per_page": PER_PAGE, **(params or {})}
        status, headers, data = self.request("GET", path, params=query, etag=etag)
        if status == 304:
            return Page(items=None, etag=etag, next_page=None)
        if not isinstance(data, list):
            raise GitHubMalformedResponse(
                f"GET {path} answered {status} with {type(data).__name__}, not a list"
            )
        number, cursor = _next_link(headers.get("link", ""))
        return Page(items=data, etag=headers.get("etag", ""), next_page=number, next_cursor=cursor)

    def pages(self, path: str, *, params: dict[str, Any] | None = None) -> Iterator[Page]:
        """Every page of a listing, following rel="next" (a page number or a cursor)."""
        where: dict[str, Any] | None = {"page": 1}
        while where is not None:
            page = self.page(path, params={**(params or {}), **where})
            yield page
            where = (
                {"after": page.next_cursor}
                if page.next_cursor
                else {"page": page.next_page}
                if page.next_page is not None
                else None
            )

    # Endpoints the mirror reads.
    def issues_page(
        self, repository: str, *, since: str | None, page: int = 1, after: str | None = None
    ) -> Page:
        params = {"state": "all", "sort": "updated", "direction": "asc"}
        return self.page(f"/repos/{repository}/issues", params=_listing(params, since, page, after))

    def comments_page(
        self, repository: str, *, since: str | None, page: int = 1, after: str | None = None
    ) -> Page:
        params = {"sort": "updated", "direction": "asc"}
        return self.page(
            f"/repos/{repository}/issues/comments", params=_listing(params, since, page, after)
        )

    def issue(self, repository: str, number: int) -> dict[str, Any]:
        data, _ = self.get(f"/repos/{repository}/issues/{number}")
        return data

    def commit(self, repository: str, sha: str) -> dict[str, Any]:
        data, _ = self.get(f"/repos/{repository}/commits/{sha}")
        return data

    def file(self, repository: str, path: str, *, ref: str, etag: str = "") -> tuple[Any, str]:
        """The contents object of a file at a ref (base64 content, blob sha); None if 304."""
        return self.get(f"/repos/{repository}/contents/{path}", params={"ref": ref}, etag=etag)

    def compare(self, repository: str, base: str, head: str, *, etag: str = "") -> tuple[Any, str]:
        """GitHub's comparison of two refs (commits and files); None if 304."""
        return self.get(f"/repos/{repository}/compare/{base}...{head}", etag=etag)

    # GraphQL.
    def graphql(
        self, query: str, variables: dict[str, Any], *, mutation: bool = False
    ) -> dict[str, Any]:
        """Run one GraphQL query (or, `mutation=True`, a mutation); returns its `data`."""
        _, headers, data = self.request(
            "POST",
            self._requester.graphql_url,
            body={"query": query, "variables": variables},
            query=not mutation,
        )
        if not isinstance(data, dict):
            raise GitHubMalformedResponse("POST /graphql answered without a JSON object")
        errors = data.get("errors")
        if errors:
            self._raise_graphql(errors if isinstance(errors, list) else [errors], headers)
        if not isinstance(data.get("data"), dict):
            raise GitHubMalformedResponse("POST /graphql answered without 'data'")
        return data["data"]

    @staticmethod
    def _raise_graphql(errors: list[Any], headers: dict[str, str]) -> None:
        kinds = {e.get("type") for e in errors if isinstance(e, dict)}
        messages = "; ".join(
            str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors[:3]
        )
        what = f"POST /graphql: {messages}"[:1000]
        if "RATE_LIMITED" in kinds:
            raise GitHubRateLimited(what, retry_after=_retry_after(headers) or 60)
        if kinds == {"NOT_FOUND"}:
            raise GitHubNotFound(what, status=404)
        raise GitHubPermanentError(what)

    def board_page(
        self, organization: str, number: int, *, cursor: str | None = None
    ) -> dict[str, Any]:
        """An organisation's ProjectV2 with its Status field and 100 items after `cursor`."""
        data = self.graphql(
            BOARD_QUERY + BOARD_ITEM_FRAGMENT,
            {"organization": organization, "number": number, "cursor": cursor},
        )
        organization_data = data.get("organization")
        project = (
            organization_data.get("projectV2") if isinstance(organization_data, dict) else None
        )
        if not isinstance(project, dict):
            raise GitHubNotFound(
                f"POST /graphql: no project {number} of {organization}", status=404
            )
        return project

    def board_item(self, node_id: str) -> dict[str, Any] | None:
        """One board item by node id (None if the id is not a ProjectV2Item)."""
        node = self.graphql(BOARD_ITEM_QUERY + BOARD_ITEM_FRAGMENT, {"id": node_id}).get("node")
        return node if isinstance(node, dict) and node else None

    def board_item_status_set(
        self, *, project_id: str, item_id: str, field_id: str, option_id: str
    ) -> dict[str, Any]:
        """Move an item to the column `option_id` (GraphQL `updateProjectV2ItemFieldValue`).

        A write: call it only through the gateway, which records it and honours dry-run.
        """
        return self.graphql(
            BOARD_ITEM_STATUS_MUTATION,
            board_item_status_variables(
                project_id=project_id, item_id=item_id, field_id=field_id, option_id=option_id
            ),
            mutation=True,
        )
