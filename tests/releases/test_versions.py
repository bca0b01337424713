"""Versions and the files that pin them: compared as versions, parsed with clear errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from releases.dependencies.versions import (
    ParseError,
    Pinned,
    Version,
    newest,
    parse_go_directive,
    parse_go_releases,
    parse_go_require,
    parse_go_version,
    parse_osquery_pin,
    parse_version,
)

# -- versions -------------------------------------------------------------------------------------


def test_version_compares_numbers_not_strings():
    assert parse_version("1.24.10") > parse_version("1.24.9")
    assert parse_version("5.10.0") > parse_version("5.9.2")


def test_version_v_prefix_is_the_same_version():
    assert parse_version("v1.2.7") == parse_version("1.2.7")
    assert hash(parse_version("v1.2.7")) == hash(parse_version("1.2.7"))


def test_version_two_numbers_mean_patch_zero():
    assert parse_version("1.22") == parse_version("1.22.0")


@pytest.mark.parametrize(
    ("lower", "higher"),
    [
        ("1.0.0-alpha", "1.0.0-alpha.1"),
        ("1.0.0-alpha.1", "1.0.0-alpha.beta"),
        ("1.0.0-beta.2", "1.0.0-beta.11"),
        ("1.0.0-rc.1", "1.0.0"),
        ("1.2.7", "1.2.8-rc.1"),
    ],
)
def test_version_prerelease_sorts_before_its_release(lower, higher):
    assert parse_version(lower) < parse_version(higher)


def test_version_build_metadata_is_ignored():
    assert parse_version("1.2.3+build.7") == parse_version("1.2.3")


def test_version_keeps_the_text_it_was_read_from():
    version = parse_version(" v1.3.0 ")
    assert (version.text, str(version)) == ("v1.3.0", "1.3.0")


@pytest.mark.parametrize("text", ["", "latest", "1", "1.2.3.4", "v", "1.2.x", "01.2.3", "1.2.3-"])
def test_version_garbage_is_a_parse_error(text):
    with pytest.raises(ParseError, match="is not a version"):
        parse_version(text)


def test_go_version_accepts_go_prefix_and_release_candidates():
    assert parse_go_version("go1.22") == Version(1, 22, 0)
    assert parse_go_version("go1.22.3") == Version(1, 22, 3)
    assert parse_go_version("1.23rc1") < parse_go_version("1.23.0")
    assert parse_go_version("1.23beta1") < parse_go_version("1.23rc1")
    assert parse_go_version("1.23rc1").is_prerelease


def test_go_version_rejects_semver_dashes():
    with pytest.raises(ParseError, match="is not a Go version"):
        parse_go_version("1.23.0-rc.1")


def test_newest_of_nothing_is_none():
    assert newest([]) is None
    assert newest([parse_version("1.9.0"), parse_version("1.10.0")]) == parse_version("1.10.0")


# -- go.mod ---------------------------------------------------------------------------------------

GO_MOD = """module github.com/fleetdm/fleet/v4

go 1.24.4

toolchain go1.25.1

require (
\tgithub.com/aws/aws-sdk-go v1.55.7
\tgithub.com/macadmins/osquery-extension v1.2.7 // pinned for Fleet
\tgithub.com/spf13/cobra v1.9.1
)

replace github.com/macadmins/osquery-extension => ../osquery-extension
"""


def test_go_directive_found_with_its_line():
    assert parse_go_directive(GO_MOD) == Pinned(parse_go_version("1.24.4"), "1.24.4", 3)


def test_go_directive_without_patch_is_patch_zero():
    assert parse_go_directive("module x\n\ngo 1.22\n").version == Version(1, 22, 0)


def test_go_directive_toolchain_line_is_not_the_go_version():
    assert str(parse_go_directive(GO_MOD).version) == "1.24.4"
    with pytest.raises(ParseError, match="has no `go` directive"):
        parse_go_directive("module x\n\ntoolchain go1.24.4\n")


def test_go_directive_missing_says_so():
    with pytest.raises(ParseError, match=r"^go.mod has no `go` directive"):
        parse_go_directive("module github.com/fleetdm/fleet/v4\n")


def test_go_directive_unparsable_names_the_line():
    with pytest.raises(ParseError, match=r"^line 3 of go.mod: `1.x` is not a Go version"):
        parse_go_directive("module x\n\ngo 1.x\n")


def test_go_directive_without_version_names_the_line():
    with pytest.raises(ParseError, match=r"^line 2 of go.mod: expected `go 1.N.P`"):
        parse_go_directive("module x\ngo\n")


def test_go_directive_twice_is_an_error():
    with pytest.raises(ParseError, match=r"line 4 of go\.mod: a second `go` directive"):
        parse_go_directive("module x\ngo 1.22.1\n\ngo 1.23.0\n")


def test_go_directive_tolerates_comments_crlf_and_bom():
    text = "\ufeffmodule x\r\n\r\ngo 1.23.2 // the minimum\r\n"
    assert parse_go_directive(text).version == Version(1, 23, 2)


def test_go_mod_unclosed_block_is_an_error():
    with pytest.raises(ParseError, match=r"the `require \(` block opened on line 3"):
        parse_go_directive("module x\ngo 1.22.0\nrequire (\n\tgithub.com/a/b v1.0.0\n")


def test_go_require_in_block_with_comment():
    pinned = parse_go_require(GO_MOD)
    assert (pinned.raw, pinned.line, pinned.version) == ("v1.2.7", 9, Version(1, 2, 7))


def test_go_require_single_line_form():
    text = "module x\ngo 1.22.0\nrequire github.com/macadmins/osquery-extension v1.3.0\n"
    assert parse_go_require(text).raw == "v1.3.0"


def test_go_require_next_major_module_path_counts():
    text = "module x\nrequire (\n\tgithub.com/macadmins/osquery-extension/v2 v2.0.1\n)\n"
    assert parse_go_require(text).version == Version(2, 0, 1)


def test_go_require_similar_module_is_not_it():
    text = "module x\nrequire (\n\tgithub.com/macadmins/osquery-extension-tools v9.0.0\n)\n"
    with pytest.raises(ParseError, match=r"go\.mod does not require github\.com/macadmins"):
        parse_go_require(text)


def test_go_require_replace_block_is_ignored():
    text = "module x\nreplace (\n\tgithub.com/macadmins/osquery-extension v1.0.0 => ../x\n)\n"
    with pytest.raises(ParseError, match="does not require"):
        parse_go_require(text)


def test_go_require_bad_version_names_the_line():
    text = "module x\nrequire (\n\tgithub.com/macadmins/osquery-extension master\n)\n"
    with pytest.raises(ParseError, match=r"^line 3 of go.mod: `master` is not a version"):
        parse_go_require(text)


def test_go_require_twice_is_an_error():
    text = (
        "module x\nrequire github.com/macadmins/osquery-extension v1.2.0\n"
        "require (\n\tgithub.com/macadmins/osquery-extension v1.3.0\n)\n"
    )
    with pytest.raises(ParseError, match="required twice"):
        parse_go_require(text)


def test_go_require_pseudo_version_is_a_prerelease():
    text = (
        "module x\nrequire github.com/macadmins/osquery-extension v0.0.0-20250131154556-629f995b\n"
    )
    assert parse_go_require(text).version < parse_version("v0.0.1")


# -- the osquery workflow -------------------------------------------------------------------------

WORKFLOW = """name: Generate osqueryd targets for Fleet
# OSQUERY_VERSION: 1.0.0 in a comment is not the pin

on:
  workflow_dispatch:

env:
  OTHER: x
  OSQUERY_VERSION: {value}

jobs:
  build:
    env:
      OSQUERY_VERSION: 0.0.1
"""


@pytest.mark.parametrize(
    "value", ["5.12.2", '"5.12.2"', "'5.12.2'", "5.12.2 # pinned", '"5.12.2" # pinned']
)
def test_osquery_pin_quoted_or_not(value):
    pinned = parse_osquery_pin(WORKFLOW.format(value=value))
    assert (pinned.version, pinned.raw, pinned.line) == (Version(5, 12, 2), "5.12.2", 9)


def test_osquery_pin_reads_5_10_as_a_version_not_a_number():
    assert parse_osquery_pin(WORKFLOW.format(value="5.10")).version == Version(5, 10, 0)


def test_osquery_pin_job_env_is_not_the_pin():
    text = "on: push\njobs:\n  build:\n    env:\n      OSQUERY_VERSION: 5.12.2\n"
    with pytest.raises(ParseError, match="has no top-level `env:` block"):
        parse_osquery_pin(text)


def test_osquery_pin_env_without_the_key_says_so():
    with pytest.raises(ParseError, match=r"top-level `env:` block of .* has no OSQUERY_VERSION"):
        parse_osquery_pin("env:\n  OTHER: 1\n")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "OSQUERY_VERSION is empty"),
        ("${{ vars.OSQUERY }}", "is not a version"),
        ('"5.12.2', "has no closing"),
    ],
)
def test_osquery_pin_bad_value_names_the_line(value, message):
    with pytest.raises(
        ParseError, match=rf"^line 9 of .*generate-osqueryd-targets.yml: .*{message}"
    ):
        parse_osquery_pin(WORKFLOW.format(value=value))


# -- the Go release list --------------------------------------------------------------------------


def test_go_releases_keep_only_stable_releases():
    data = [
        {"version": "go1.25rc2", "stable": False},
        {"version": "go1.24.6", "stable": True},
        {"version": "go1.24.5", "stable": True},
        {"version": "go1.23rc1", "stable": True},  # mislabelled: a release candidate anyway
        {"version": "go1", "stable": True},  # too old to parse: not one we could be behind
    ]
    assert parse_go_releases(data) == [Version(1, 24, 6), Version(1, 24, 5)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"version": "go1.24.6"}, "not a JSON list"),
        ([{"stable": True}], "entry 1 of the Go release list has no version"),
        (["go1.24.6"], "entry 1"),
        ([{"version": "go1.25rc1", "stable": False}], "has no stable release"),
        ([], "has no stable release"),
    ],
)
def test_go_releases_garbage_says_what_is_wrong(data, message):
    with pytest.raises(ParseError, match=message):
        parse_go_releases(data)


# -- any input: a result or a ParseError, never another exception ---------------------------------


def _outcome(parser, value):
    """The parser's result, or its ParseError's message (which must say something)."""
    try:
        return parser(value)
    except ParseError as exc:
        message = str(exc)
        assert message.strip()
        return message


LINES = st.lists(
    st.one_of(
        st.text(max_size=40),
        st.sampled_from(
            [
                "go 1.22",
                "go",
                "go 1.2.3.4",
                "require (",
                ")",
                "\tgithub.com/macadmins/osquery-extension v1.2.3",
                "require github.com/macadmins/osquery-extension",
                "env:",
                "  OSQUERY_VERSION: 5.12.2",
                '  OSQUERY_VERSION: "5',
                "  OSQUERY_VERSION:",
                "toolchain go1.23.1",
            ]
        ),
    ),
    max_size=12,
).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(LINES)
def test_parsers_any_text_gives_a_result_or_a_parse_error(text):
    for parser in (parse_go_directive, parse_go_require, parse_osquery_pin):
        assert isinstance(_outcome(parser, text), (Pinned, str))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_version_parsers_any_text_gives_a_version_or_a_parse_error(text):
    for parser in (parse_version, parse_go_version):
        assert isinstance(_outcome(parser, text), (Version, str))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(["version", "stable", "files"]), children, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_go_releases_any_json_gives_versions_or_a_parse_error(data):
    outcome = _outcome(parse_go_releases, data)
    assert isinstance(outcome, str) or all(isinstance(v, Version) for v in outcome)


@given(st.tuples(*[st.integers(0, 999)] * 3), st.tuples(*[st.integers(0, 999)] * 3))
def test_version_order_is_the_order_of_its_numbers(a, b):
    left, right = parse_version("v{}.{}.{}".format(*a)), parse_version("{}.{}.{}".format(*b))
    assert (left < right) == (a < b)
    assert (left == right) == (a == b)
