"""Files and comparisons read at a ref, cached in the mirror and revalidated with ETags.

A file (`go.mod`, the osquery workflow) is read with the contents endpoint and kept as a
`FileContent` row by repository, ref and path, with its blob sha and ETag. Reading it again
sends `If-None-Match`: a 304 (which costs no rate limit) reuses the stored text. A
comparison of two refs (GitHub's compare endpoint: files and commits) is cached the same
way as a `Comparison` row. A ref that moves (a branch) is revalidated on every read, so the
text is always what GitHub has now; a 404 or a failure raises and leaves the cache alone.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.utils import timezone

from fleetops.github.client import GitHubClient, GitHubMalformedResponse
from fleetops.github.models import Comparison, FileContent
from fleetops.github.upsert import repository_get

COMPARE_COMMITS_KEPT = 250  # GitHub's first page of a comparison's commits


def _with_client(client: GitHubClient | None) -> tuple[GitHubClient, bool]:
    return (client, False) if client is not None else (GitHubClient(), True)


def _file_text(data: Any, where: str) -> tuple[str, str]:
    """(text, blob sha) of a contents-endpoint answer."""
    if isinstance(data, list):
        raise GitHubMalformedResponse(f"{where} is a directory, not a file")
    if not isinstance(data, dict) or not isinstance(data.get("sha"), str):
        raise GitHubMalformedResponse(f"{where}: the answer is not a file object")
    if data.get("encoding") != "base64" or not isinstance(data.get("content"), str):
        raise GitHubMalformedResponse(
            f"{where}: no base64 content (encoding {data.get('encoding')!r}; a file over 1 MB?)"
        )
    try:
        raw = base64.b64decode(data["content"], validate=False)
        return raw.decode("utf-8"), data["sha"]
    except (binascii.Error, ValueError) as exc:
        raise GitHubMalformedResponse(f"{where}: the content is not UTF-8 text") from exc


def file_content_at(
    *, repository_name: str, path: str, ref: str, client: GitHubClient | None = None
) -> FileContent:
    """A file's text at a ref: from the cache when GitHub answers 304, else fetched and stored."""
    repository = repository_get(repository_name)
    cached = FileContent.objects.filter(repository=repository, ref=ref, path=path).first()
    client, own = _with_client(client)
    try:
        data, etag = client.file(repository_name, path, ref=ref, etag=cached.etag if cached else "")
    finally:
        if own:
            client.close()
    now = timezone.now()
    if data is None:
        if cached is None:
            raise GitHubMalformedResponse(f"{path}@{ref}: 304 Not Modified for a file never read")
        FileContent.objects.filter(pk=cached.pk).update(fetched_at=now)
        cached.fetched_at = now
        return cached
    text, blob_sha = _file_text(data, f"{path}@{ref}")
    content, _ = FileContent.objects.update_or_create(
        repository=repository,
        ref=ref,
        path=path,
        defaults={"blob_sha": blob_sha, "etag": etag, "text": text, "fetched_at": now},
    )
    return content


def _first_line(message: Any) -> str:
    return str(message or "").split("\n", 1)[0][:300]


def _comparison_rows(data: Any, where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise GitHubMalformedResponse(f"{where}: the answer is not a comparison")
    files = data.get("files") or []
    commits = data.get("commits") or []
    if not isinstance(files, list) or not isinstance(commits, list):
        raise GitHubMalformedResponse(f"{where}: files or commits is not a list")
    file_rows = []
    for item in files:
        if not isinstance(item, dict) or not isinstance(item.get("filename"), str):
            raise GitHubMalformedResponse(f"{where}: a changed file has no filename")
        file_rows.append(
            {
                "filename": item["filename"],
                "status": str(item.get("status") or ""),
                "additions": int(item.get("additions") or 0),
                "deletions": int(item.get("deletions") or 0),
            }
        )
    commit_rows = []
    for item in commits[:COMPARE_COMMITS_KEPT]:
        if not isinstance(item, dict) or not isinstance(item.get("sha"), str):
            raise GitHubMalformedResponse(f"{where}: a commit has no sha")
        inner = item.get("commit") if isinstance(item.get("commit"), dict) else {}
        author = inner.get("author") if isinstance(inner.get("author"), dict) else {}
        login = (
            (item.get("author") or {}).get("login")
            if isinstance(item.get("author"), dict)
            else None
        )
        commit_rows.append(
            {
                "sha": item["sha"],
                "message": _first_line(inner.get("message")),
                "author": login or str(author.get("name") or ""),
                "date": str(author.get("date") or ""),
            }
        )
    total = data.get("total_commits")
    return {
        "status": str(data.get("status") or "")[:20],
        "ahead_by": max(int(data.get("ahead_by") or 0), 0),
        "total_commits": total if isinstance(total, int) and total >= 0 else len(commit_rows),
        "files": file_rows,
        "commits": commit_rows,
    }


def comparison_between(
    *, repository_name: str, base: str, head: str, client: GitHubClient | None = None
) -> Comparison:
    """GitHub's comparison `base...head` (files and commits), cached and revalidated by ETag."""
    repository = repository_get(repository_name)
    cached = Comparison.objects.filter(repository=repository, base=base, head=head).first()
    client, own = _with_client(client)
    try:
        data, etag = client.compare(repository_name, base, head, etag=cached.etag if cached else "")
    finally:
        if own:
            client.close()
    now = timezone.now()
    if data is None:
        if cached is None:
            raise GitHubMalformedResponse(f"{base}...{head}: 304 for a comparison never read")
        Comparison.objects.filter(pk=cached.pk).update(fetched_at=now)
        cached.fetched_at = now
        return cached
    try:
        rows = _comparison_rows(data, f"{base}...{head}")
    except (TypeError, ValueError) as exc:  # a count that is not a number
        raise GitHubMalformedResponse(f"{base}...{head}: {exc}") from exc
    comparison, _ = Comparison.objects.update_or_create(
        repository=repository,
        base=base,
        head=head,
        defaults={**rows, "etag": etag, "fetched_at": now},
    )
    return comparison
