"""Exceptions as one human sentence with their root cause, for pages, run records and commands.

A failed request to GitHub surfaces as a chain of exceptions (ours around requests' around
urllib3's around the socket's), and `str()` of the outer one is a paragraph of
`HTTPSConnectionPool(host=…)` and `object at 0x…`. People need the one thing that went
wrong, and where: "GitHub could not be reached: name resolution failed for api.github.com".
`error_report` walks the chain (`__cause__`, `__context__`, `reason`, exceptions in `args`)
to that root cause; the full exception belongs in the log (`logger.warning(...,
exc_info=exc)`), never in a page.

The sentence is one line of at most `MAX_LENGTH` characters, names the host when it is
known, and never contains a connection pool's repr or a memory address.
"""

from __future__ import annotations

import datetime as dt
import errno
import re
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_LENGTH = 200
OUR_PACKAGES = frozenset({"fleetops", "releases", "rituals", "oncall", "kpis"})
CHAIN_LIMIT = 24  # links followed at most: chains can be cyclic or absurdly long

_POOL = re.compile(r"\b\w*(?:Connection(?:Pool)?|Session)\((?:[^()]|\([^()]*\))*\)")
_OBJECT = re.compile(r"<[^<>]*\bobject at 0x[0-9a-fA-F]+>|\bobject at 0x[0-9a-fA-F]+")
_ADDRESS = re.compile(r"\bat 0x[0-9a-fA-F]+")
_BARE_POOL = re.compile(r"\w*ConnectionPool")
_HOST_KW = re.compile(r"host='([^']+)'(?:,\s*port=(\d+))?")
_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://([^/\s:'\"<>()]+)(?::(\d+))?", re.IGNORECASE)
_TIMEOUT = re.compile(r"timeout=([0-9]+(?:\.[0-9]+)?)")
_CAUSED_BY = re.compile(r"\s*\(Caused by .*$", re.DOTALL)


@dataclass(frozen=True)
class ErrorReport:
    """What went wrong (`what`), why (`why`, "" when unknown), and whether a retry may help."""

    what: str
    why: str = ""
    transient: bool = False
    host: str = ""

    @property
    def sentence(self) -> str:
        """ "GitHub could not be reached: name resolution failed for api.github.com"."""
        text = f"{self.what}: {self.why}" if self.why else self.what
        return _bounded(text)

    @property
    def parenthetical(self) -> str:
        """ "GitHub could not be reached (name resolution failed for api.github.com)"."""
        text = f"{self.what} ({self.why})" if self.why else self.what
        return _bounded(text)


def error_sentence(exc: BaseException, *, service: str = "") -> str:
    """One line saying what failed and its root cause (see `error_report`)."""
    return error_report(exc, service=service).sentence


def error_report(exc: BaseException, *, service: str = "") -> ErrorReport:
    """What went wrong in `exc`, from the root of its chain of causes.

    `service` names who was being talked to ("GitHub", "the Go release list"); without it,
    the first exception in the chain with a `service` attribute names it, else the host.
    """
    chain = _chain(exc)
    host, port = _host_port(chain)
    service = service or next((s for e in chain if (s := _service_of(e))), "")
    who = _capitalised(service) if service else host or "The remote service"
    for link in reversed(chain):  # the root cause first
        reason = _network_reason(link, chain, host, port)
        if reason:
            return ErrorReport(f"{who} could not be reached", reason, transient=True, host=host)
    status = next((s for e in chain if (s := _http_status(e))), None)
    if status is not None and not _is_ours(exc):
        return _http_report(chain, status, who, host)
    return ErrorReport(_message(exc), transient=False, host=host)


# -- the chain ---------------------------------------------------------------------------------


def _chain(exc: BaseException) -> list[BaseException]:
    """`exc` and everything it was caused by, outermost first, each once."""
    seen: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo and len(seen) < CHAIN_LIMIT:
        link = todo.pop(0)
        if any(link is s for s in seen):
            continue
        seen.append(link)
        nested = [link.__cause__, link.__context__, getattr(link, "reason", None)]
        nested += [getattr(link, "original_error", None), getattr(link, "_reason", None)]
        nested += [a for a in getattr(link, "args", ()) if isinstance(a, BaseException)]
        todo.extend(n for n in nested if isinstance(n, BaseException))
    return seen


def _service_of(exc: BaseException) -> str:
    service = getattr(type(exc), "service", "")
    return service if isinstance(service, str) else ""


def _is_ours(exc: BaseException) -> bool:
    """Our own errors carry a sentence already (the client's HTTP errors included)."""
    return type(exc).__module__.split(".")[0] in {
        "fleetops",
        "releases",
        "rituals",
        "oncall",
        "kpis",
    }


def _host_port(chain: list[BaseException]) -> tuple[str, str]:
    for exc in chain:
        for holder in (exc, getattr(exc, "conn", None), getattr(exc, "pool", None)):
            host = getattr(holder, "_host", None) or getattr(holder, "host", None)
            if isinstance(host, str) and _plausible_host(host):
                port = getattr(holder, "port", None)
                return host, str(port) if isinstance(port, int) else ""
        request = getattr(exc, "request", None)
        url = getattr(request, "url", None) or getattr(exc, "url", None)
        if isinstance(url, str) and "://" in url:
            parts = urlsplit(url)
            if parts.hostname and _plausible_host(parts.hostname):
                return parts.hostname, str(parts.port or "")
    for exc in chain:
        text = _text(exc)
        found = _HOST_KW.search(text) or _URL.search(text)
        if found and _plausible_host(found.group(1)):
            return found.group(1), found.group(2) or ""
    return "", ""


def _plausible_host(host: str) -> bool:
    return 0 < len(host) <= 100 and re.fullmatch(r"[A-Za-z0-9._:\[\]-]+", host) is not None


# -- network failures ----------------------------------------------------------------------


def _network_reason(exc: BaseException, chain: list[BaseException], host: str, port: str) -> str:
    """The root cause when `exc` is a failure to talk to the host at all, else ""."""
    at = f" for {host}" if host else ""
    name = type(exc).__name__
    if isinstance(exc, socket.gaierror) or name == "NameResolutionError":
        return f"name resolution failed{at}"
    if isinstance(exc, ConnectionRefusedError) or getattr(exc, "errno", None) == errno.ECONNREFUSED:
        where = f"{host}:{port}" if host and port else host or "the server"
        return f"connection refused by {where}"
    if isinstance(exc, ssl.SSLError) or name == "SSLError":
        detail = getattr(exc, "verify_message", "") or getattr(exc, "reason", "")
        detail = detail if isinstance(detail, str) else ""
        return f"TLS error{' with ' + host if host else ''}" + (
            f" ({detail.lower().replace('_', ' ')})" if detail else ""
        )
    if _is_timeout(exc):
        seconds = next((m.group(1) for e in chain if (m := _TIMEOUT.search(_text(e)))), "")
        after = f" after {_seconds(seconds)} s" if seconds else ""
        return f"the request{' to ' + host if host else ''} timed out{after}"
    if isinstance(exc, ConnectionResetError):
        return f"the connection{' to ' + host if host else ''} was reset"
    if name in ("RemoteDisconnected", "IncompleteRead", "ChunkedEncodingError"):
        return f"{host or 'the server'} closed the connection before answering in full"
    if isinstance(exc, OSError) and exc.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return f"no network route{' to ' + host if host else ''}"
    return ""


def _is_timeout(exc: BaseException) -> bool:
    if isinstance(exc, TimeoutError | socket.timeout):
        # urllib3's NewConnectionError subclasses its timeout error; only a real one counts.
        return "timed out" in _text(exc).lower() or type(exc) in (TimeoutError, socket.timeout)
    return type(exc).__name__ in ("ReadTimeout", "ConnectTimeout", "Timeout", "ReadTimeoutError")


def _seconds(value: str) -> str:
    number = float(value)
    return str(int(number)) if number == int(number) else f"{number:g}"


# -- HTTP answers --------------------------------------------------------------------------


def _http_status(exc: BaseException) -> int | None:
    for holder in (exc, getattr(exc, "response", None)):
        for name in ("status", "status_code"):
            value = getattr(holder, name, None)
            if isinstance(value, int) and 100 <= value <= 599:
                return value
    return None


def _http_report(chain: list[BaseException], status: int, who: str, host: str) -> ErrorReport:
    message = ""
    for exc in chain:
        data = getattr(exc, "data", None)
        if isinstance(data, dict) and isinstance(data.get("message"), str):
            message = data["message"]
            break
    retry_at = _rate_limit_reset(chain)
    if status == 429 or (status == 403 and (retry_at or "rate limit" in message.lower())):
        until = f" until {retry_at:%H:%M} UTC" if retry_at else ""
        return ErrorReport(f"{who} rate limited us{until}", transient=True, host=host)
    why = _clean(message)[:120] if message else ""
    return ErrorReport(f"{who} answered HTTP {status}", why, transient=status >= 500, host=host)


def _rate_limit_reset(chain: list[BaseException]) -> dt.datetime | None:
    for exc in chain:
        headers = getattr(exc, "headers", None) or getattr(
            getattr(exc, "response", None), "headers", None
        )
        if not hasattr(headers, "get"):
            continue
        reset = str(headers.get("x-ratelimit-reset") or headers.get("X-RateLimit-Reset") or "")
        if reset.isdigit() and len(reset) <= 12:
            return dt.datetime.fromtimestamp(int(reset), tz=dt.UTC)
    return None


# -- anything else -----------------------------------------------------------------------


def _message(exc: BaseException) -> str:
    """Our own errors' message (already a sentence); another exception's kind and message."""
    text = _clean(_text(exc))
    if _is_ours(exc) and text:
        return text
    kind = type(exc).__name__
    if not text or text == kind:
        return f"unexpected error ({kind}); the details are in the log"
    return f"unexpected error ({kind}: {text})"


def _text(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception:  # a broken __str__ must not hide the original failure
        return ""


def _clean(text: str) -> str:
    """One line without reprs of pools, connections or objects (until none is left: removing
    one must not leave another behind)."""
    text = _CAUSED_BY.sub("", text)
    for _ in range(8):
        before = text
        text = _POOL.sub(lambda m: _pool_host(m.group(0)), text)
        text = _BARE_POOL.sub("", _ADDRESS.sub("", _OBJECT.sub("", text)))
        if text == before:
            break
    text = " ".join(text.split())
    return text.strip(" :;,")


def _pool_host(pool_repr: str) -> str:
    found = _HOST_KW.search(pool_repr)
    return found.group(1) if found else ""


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _bounded(text: str) -> str:
    text = _clean(text)
    return text if len(text) <= MAX_LENGTH else text[: MAX_LENGTH - 1].rstrip() + "…"
