"""An exception becomes one human sentence with its root cause (fleetops/core/errors.py)."""

from __future__ import annotations

import socket
import ssl

import requests
from hypothesis import given
from hypothesis import strategies as st
from urllib3.connection import HTTPSConnection
from urllib3.connectionpool import HTTPSConnectionPool
from urllib3.exceptions import (
    MaxRetryError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)

from fleetops.core.errors import MAX_LENGTH, error_report, error_sentence
from fleetops.github.client import (
    GitHubClient,
    GitHubError,
    GitHubPermanentError,
    GitHubRateLimited,
    GitHubTransientError,
)


def _raised(outer: BaseException, inner: BaseException | None) -> BaseException:
    """`outer`, raised from `inner`, as Python would chain them."""
    try:
        try:
            if inner is not None:
                raise inner
            raise outer
        except BaseException as exc:
            if exc is outer:
                raise
            raise outer from exc
    except BaseException as caught:
        return caught


def _requests_failure(host: str, port: int, root: BaseException) -> requests.ConnectionError:
    """What requests raises for a failed connection: its error around urllib3's around the
    socket's, with the pool's and the connection's reprs in every message."""
    pool = HTTPSConnectionPool(host, port)
    conn = HTTPSConnection(host, port)
    if isinstance(root, socket.gaierror):
        reason: Exception = _raised(NameResolutionError(host, conn, root), root)
    else:
        message = f"Failed to establish a new connection: {root}"
        reason = _raised(NewConnectionError(conn, message), root)
    retry = _raised(MaxRetryError(pool, "/repos/fleetdm/fleet/issues?page=1", reason), reason)
    return _raised(requests.ConnectionError(retry), retry)


def test_name_resolution_names_the_host_not_the_pool():
    exc = _requests_failure("api.github.com", 443, socket.gaierror(-2, "Name or service not known"))
    assert "HTTPSConnectionPool" in str(exc)  # what people saw before
    assert error_sentence(exc, service="GitHub") == (
        "GitHub could not be reached: name resolution failed for api.github.com"
    )


def test_connection_refused_names_host_and_port():
    exc = _requests_failure("127.0.0.1", 9, ConnectionRefusedError(111, "Connection refused"))
    assert error_sentence(exc, service="GitHub") == (
        "GitHub could not be reached: connection refused by 127.0.0.1:9"
    )


def test_read_timeout_says_after_how_long():
    pool = HTTPSConnectionPool("go.dev", 443)
    root = _raised(ReadTimeoutError(pool, "/dl/", "Read timed out. (read timeout=10)"), None)
    exc = _raised(requests.ReadTimeout(root), root)
    assert error_sentence(exc, service="the Go release list") == (
        "The Go release list could not be reached: the request to go.dev timed out after 10 s"
    )


def test_tls_failure_says_tls_and_why():
    root = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify")
    root.verify_message = "certificate has expired"
    exc = _requests_failure("api.github.com", 443, root)
    exc = _raised(requests.exceptions.SSLError(exc), exc)
    sentence = error_sentence(exc, service="GitHub")
    assert sentence.startswith("GitHub could not be reached: TLS error with api.github.com")
    assert "certificate has expired" in sentence


def test_closed_connection_is_said_in_words():
    root = _raised(ProtocolError("Connection aborted.", ConnectionResetError(104, "reset")), None)
    exc = _raised(requests.ConnectionError(root, request=None), root)
    assert "was reset" in error_sentence(exc, service="GitHub")


def test_the_client_wraps_an_unreachable_github_in_one_sentence(settings):
    with GitHubClient(base_url="http://127.0.0.1:9", token="") as client:
        try:
            client.get("/repos/fleetdm/fleet")
        except GitHubTransientError as exc:
            caught = exc
    assert str(caught) == "GitHub could not be reached: connection refused by 127.0.0.1:9"
    assert error_sentence(caught) == str(caught)  # the sentence survives another wrapping
    assert isinstance(caught.__cause__, requests.ConnectionError)  # the details, for the log


def test_http_errors_from_github_keep_status_and_message():
    refused = GitHubPermanentError("GitHub answered HTTP 401: Bad credentials", status=401)
    assert error_sentence(refused) == "GitHub answered HTTP 401: Bad credentials"
    limited = GitHubRateLimited("GitHub rate limited us until 14:05 UTC", retry_after=60)
    assert error_report(limited).sentence == "GitHub rate limited us until 14:05 UTC"


def test_an_http_error_from_a_library_says_status_and_message():
    class GithubException(Exception):  # PyGithub's shape: status, data, headers
        def __init__(self) -> None:
            super().__init__(403, {"message": "Resource not accessible by integration"}, {})
            self.status = 403
            self.data = {"message": "Resource not accessible by integration"}
            self.headers = {}

    assert error_sentence(GithubException(), service="GitHub") == (
        "GitHub answered HTTP 403: Resource not accessible by integration"
    )


def test_unexpected_errors_say_their_kind_without_addresses():
    class Thing:
        pass

    exc = TypeError(f"cannot use {Thing()!r} here")
    sentence = error_sentence(exc)
    assert sentence.startswith("unexpected error (TypeError: cannot use")
    assert "0x" not in sentence
    assert error_sentence(KeyError()) == "unexpected error (KeyError); the details are in the log"


# -- any chain: one line, bounded, no reprs, the host when known -----------------------------

hosts = st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,12}){1,3}", fullmatch=True)
roots = st.sampled_from(
    [
        socket.gaierror(-2, "Name or service not known"),
        ConnectionRefusedError(111, "Connection refused"),
        ConnectionResetError(104, "Connection reset by peer"),
        TimeoutError("timed out"),
        OSError(101, "Network is unreachable"),
    ]
)
noise = st.text(
    st.characters(blacklist_categories=("Cs",)), max_size=300
)  # messages may hold anything, newlines included


@given(
    host=hosts,
    port=st.integers(1, 65535),
    root=roots,
    wrappers=st.lists(
        st.sampled_from([GitHubTransientError, RuntimeError, GitHubError]), max_size=4
    ),
    message=noise,
)
def test_property_any_network_chain_is_one_short_line_naming_the_host(
    host, port, root, wrappers, message
):
    exc: BaseException = _requests_failure(host, port, root)
    for wrapper in wrappers:
        outer = wrapper(f"{message} HTTPSConnectionPool(host='{host}', port={port}) {exc!r}")
        exc = _raised(outer, exc)
    sentence = error_sentence(exc)
    assert len(sentence.splitlines()) == 1
    assert len(sentence) <= MAX_LENGTH
    assert "HTTPSConnectionPool" not in sentence
    assert "object at 0x" not in sentence
    assert host in sentence
    assert error_report(exc).transient


@given(message=noise, kind=st.sampled_from([ValueError, RuntimeError, GitHubPermanentError]))
def test_property_any_message_becomes_one_bounded_line(message, kind):
    pool = HTTPSConnectionPool("api.github.com", 443)
    exc = kind(f"{message} {pool!r} <object object at 0x7f3a2b1c9d80> {message}")
    sentence = error_sentence(exc)
    assert sentence
    assert "\n" not in sentence
    assert len(sentence) <= MAX_LENGTH
    assert "HTTPSConnectionPool" not in sentence
    assert "object at 0x" not in sentence


def test_a_cyclic_chain_ends():
    first, second = RuntimeError("first"), RuntimeError("second")
    first.__context__, second.__context__ = second, first
    assert error_sentence(first) == "unexpected error (RuntimeError: first)"
