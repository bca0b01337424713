"""`manage.py org_load`: the organisation from YAML, idempotent, every problem named."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from fleetops.org.models import Organization, Person, ProductGroup
from fleetops.org.orgfile.rules import OrgFileInvalid, org_file_parse
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

GOOD = """\
organization: fleetdm
drafting_board: 67
release_dri: hlee
people:
  - {login: hlee, name: Hannah Lee, email: hannah@example.com, staff: false}
  - {login: mokafor, name: Marta Okafor, email: marta@example.com, staff: true}
  - {login: pdewit, name: Pieter de Wit, time_zone: Europe/Berlin}
  - {login: atanaka, name: Aiko Tanaka}
  - {login: bcarter, name: Ben Carter}
groups:
  - {slug: mdm, name: MDM, label: "#g-mdm", em: mokafor, qa_lead: pdewit,
     members: [atanaka, bcarter], board: 58}
  - {slug: software, name: Software, label: "#g-software", em: hlee, members: [atanaka]}
"""


def _load(tmp_path: Path, text: str, *args: str) -> tuple[str, str]:
    path = tmp_path / "org.yaml"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("org_load", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _refused(tmp_path: Path, text: str) -> list[str]:
    """The problems printed for a bad file (exit code 2, nothing written)."""
    before = _snapshot()
    path = tmp_path / "org.yaml"
    path.write_text(text, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("org_load", str(path), stdout=io.StringIO(), stderr=err)
    assert exit_info.value.code == 2
    assert _snapshot() == before
    prefix = f"{path}: "
    lines = err.getvalue().splitlines()
    assert all(line.startswith(prefix) for line in lines)
    return [line.removeprefix(prefix) for line in lines]


def _snapshot() -> tuple:
    User = get_user_model()
    return (
        sorted(Person.objects.values_list("github_login", "name", "active", "email", "user_id")),
        sorted(ProductGroup.objects.values_list("slug", "name", "github_label", "active")),
        sorted(User.objects.values_list("username", "is_active", "is_staff", "email")),
        list(Organization.objects.values_list("github_login", "drafting_board")),
    )


def test_org_load_creates_the_organisation(tmp_path):
    out, _ = _load(tmp_path, GOOD, "--json")
    summary = json.loads(out)
    assert summary["created"]["people"] == ["atanaka", "bcarter", "hlee", "mokafor", "pdewit"]
    assert summary["created"]["groups"] == ["mdm", "software"]
    assert summary["created"]["organization"] == ["fleetdm"]
    organization = Organization.current()
    assert (organization.github_login, organization.drafting_board) == ("fleetdm", 67)
    assert organization.release_dri.github_login == "hlee"
    mdm = ProductGroup.objects.get(slug="mdm")
    assert (mdm.engineering_manager.github_login, mdm.qa_lead.github_login) == ("mokafor", "pdewit")
    assert mdm.board_number == 58
    assert sorted(mdm.members.values_list("github_login", flat=True)) == [
        "atanaka",
        "bcarter",
        "mokafor",
        "pdewit",
    ]
    marta = Person.objects.get(github_login="mokafor")
    assert (marta.user.username, marta.user.email, marta.user.is_staff) == (
        "mokafor",
        "marta@example.com",
        True,
    )
    assert not marta.user.has_usable_password()  # they sign in with GitHub
    assert Person.objects.get(github_login="pdewit").time_zone == "Europe/Berlin"


def test_org_load_twice_changes_nothing(tmp_path):
    _load(tmp_path, GOOD)
    before = _snapshot()
    out, _ = _load(tmp_path, GOOD, "--json")
    assert json.loads(out) == {
        "created": {"organization": [], "people": [], "groups": [], "accounts": []},
        "updated": {"organization": [], "people": [], "groups": [], "accounts": []},
        "deactivated": {"people": [], "groups": [], "accounts": []},
    }
    assert _snapshot() == before
    human, _ = _load(tmp_path, GOOD)
    assert human.strip().endswith("nothing changed.")


def test_org_load_deactivates_who_and_what_the_file_leaves_out(tmp_path):
    _load(tmp_path, GOOD)
    smaller = GOOD.replace("  - {login: bcarter, name: Ben Carter}\n", "").replace(
        ", bcarter]", "]"
    )
    smaller = smaller[: smaller.index("  - {slug: software")]
    out, _ = _load(tmp_path, smaller, "--json")
    summary = json.loads(out)
    assert summary["deactivated"] == {
        "people": ["bcarter"],
        "groups": ["software"],
        "accounts": ["bcarter"],
    }
    assert summary["updated"]["groups"] == ["mdm"]  # bcarter left its members
    ben = Person.objects.get(github_login="bcarter")
    assert (ben.active, ben.user.is_active) == (False, False)
    assert ProductGroup.objects.get(slug="software").active is False
    assert ProductGroup.objects.active().count() == 1
    # Back in the file: active again, nothing duplicated.
    out, _ = _load(tmp_path, GOOD, "--json")
    assert json.loads(out)["updated"]["people"] == ["bcarter"]
    assert Person.objects.filter(github_login="bcarter").count() == 1
    assert Person.objects.get(github_login="bcarter").user.is_active


def test_org_load_links_an_existing_person_and_account(tmp_path):
    existing = PersonFactory(github_login="HLee", user__username="hlee", name="H. Lee")
    out, _ = _load(tmp_path, GOOD, "--json")
    summary = json.loads(out)
    assert "hlee" not in summary["created"]["people"]
    assert summary["updated"]["people"] == ["hlee"]  # name and email from the file
    existing.refresh_from_db()
    assert (existing.name, existing.user.username) == ("Hannah Lee", "hlee")


def test_org_load_reads_standard_input():
    out = io.StringIO()
    call_command("org_load", "-", "--json", stdin=io.StringIO(GOOD), stdout=out)
    assert json.loads(out.getvalue())["created"]["groups"] == ["mdm", "software"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("em: mokafor, qa_lead", "em: nobody, qa_lead"), "groups[0].em: unknown person 'nobody'"),
        (("members: [atanaka]", "members: [ghost]"), "groups[1].members[0]: unknown person"),
        (("{login: bcarter", "{login: hlee"), "people[4].login: duplicate login 'hlee'"),
        (("slug: software", "slug: mdm"), "groups[1].slug: duplicate slug, also groups[0]"),
        (('"#g-software"', '"#g-mdm"'), "groups[1].label: duplicate label"),
        (('label: "#g-software"', 'label: ""'), "groups[1].label: must not be empty"),
        (("board: 58", "board: -3"), "groups[0].board: must be a positive whole number"),
        (("board: 58", "board: '58'"), "groups[0].board: must be a positive whole number"),
        (("board: 58", "board: 67"), "drafting_board: 67 is also the board of group 'mdm'"),
        (("drafting_board: 67", "drafting_board: true"), "drafting_board: must be a positive"),
        (("staff: false", "staff: nope"), "people[0].staff: must be true or false"),
        (("release_dri: hlee", "release_dri: zed"), "release_dri: unknown person 'zed'"),
        (("{login: atanaka, ", "{"), "people[3].login: missing (required)"),
        (("hannah@example.com", "not-an-email"), "people[0].email: 'not-an-email' is not an"),
        (("Europe/Berlin", "Mars/Olympus"), "people[2].time_zone: 'Mars/Olympus' is not an IANA"),
        (("login: pdewit", "login: -bad-"), "people[2].login: '-bad-' is not a GitHub login"),
        (("organization: fleetdm", "organisation: fleetdm"), "organisation: unknown key"),
        (("name: Software,", "name: Software, colour: red,"), "groups[1].colour: unknown key"),
        (("people:\n", "people: nobody\nformer_people:\n"), "people: must be a list"),
    ],
)
def test_org_load_names_each_problem_and_changes_nothing(tmp_path, change, problem):
    _load(tmp_path, GOOD.replace("Hannah Lee", "Hannah"))  # a loaded organisation to keep
    bad = GOOD.replace(*change)
    assert bad != GOOD
    problems = _refused(tmp_path, bad)
    assert any(line.startswith(problem) for line in problems), problems


def test_org_load_lists_every_problem_with_the_group_or_person(tmp_path):
    bad = GOOD.replace("em: mokafor, qa_lead: pdewit", "em: ghost, qa_lead: 7").replace(
        "name: Ben Carter", "name: [Ben]"
    )
    problems = _refused(tmp_path, bad)
    assert problems == [
        "people[4].name: must be a string, not a list (person bcarter)",
        "groups[0].em: unknown person 'ghost' (not in people) (group mdm)",
        "groups[0].qa_lead: must be a string, not a number (group mdm)",
        "groups[0].members[1]: unknown person 'bcarter' (not in people) (group mdm)",
    ]


def test_org_load_yaml_syntax_error_is_one_line_with_its_line_number(tmp_path):
    problems = _refused(tmp_path, GOOD.replace("  - {login: hlee,", "  - {login: hlee,,]"))
    assert len(problems) == 1
    assert problems[0].startswith("line 5, column ")
    assert "YAML syntax error" in problems[0]


def test_org_load_a_label_held_by_a_group_left_out_is_refused(tmp_path):
    _load(tmp_path, GOOD)
    renamed = GOOD.replace("slug: software", "slug: sw")
    problems = _refused(tmp_path, renamed)
    assert problems[0].startswith("groups[1].name: 'Software' belongs to group 'software'")


def test_org_load_missing_file_exits_2(tmp_path):
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("org_load", str(tmp_path / "nope.yaml"), stderr=err)
    assert exit_info.value.code == 2
    assert err.getvalue().strip() == f"{tmp_path / 'nope.yaml'}: no such file"


def test_org_load_exit_code_from_the_command_line(tmp_path):
    """The real process: exit code 2 and the problem on stderr, no traceback."""
    path = tmp_path / "org.yaml"
    path.write_text("organization: [fleetdm\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "manage.py", "org_load", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "YAML syntax error" in done.stderr
    assert "Traceback" not in done.stderr


@hypothesis_settings(
    max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(["organization", "people", "groups", "login", "slug", "x"]),
                inner,
                max_size=4,
            )
        ),
        max_leaves=12,
    )
)
def test_org_file_parse_any_structure_is_loaded_or_refused_with_problems(data):
    text = json.dumps(data)  # JSON is YAML
    problems: list[str] | None = None
    try:
        org_file_parse(text)
    except OrgFileInvalid as exc:
        problems = exc.problems
    if problems is not None:  # refused: at least one problem, each one line
        assert problems
        assert all(isinstance(p, str) and p and "\n" not in p for p in problems)
