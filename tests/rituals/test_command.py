"""`manage.py rituals [--date D] [--json] [--file-issues]`."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import ManagementUtility, call_command

from rituals.models import RitualIssue
from rituals.services import ritual_files_fetch
from tests.fakegithub.seed_rituals import RITUALS_PATH

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("rituals", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_json_is_one_object_per_ritual_of_every_file(github):
    out, err = _run("--date", "2026-11-18", "--json")
    entries = json.loads(out)
    assert len(entries) == 8
    assert all(
        set(e)
        == {
            "task",
            "frequency",
            "dri",
            "file",
            "due_on",
            "next_due",
            "auto_issue",
            "labels",
            "repo",
        }
        for e in entries
    )
    by_task = {e["task"]: e for e in entries}
    assert by_task["Release ritual"] == {
        "task": "Release ritual",
        "frequency": "Triweekly",
        "dri": "lukeheath",
        "file": RITUALS_PATH,
        "due_on": True,
        "next_due": "2026-11-18",
        "auto_issue": True,
        "labels": ["#g-mdm", ":release"],
        "repo": "fleet",
    }
    assert by_task["Create patch release branch"]["next_due"] is None
    assert by_task["Create patch release branch"]["due_on"] is False
    assert by_task["Oncall handoff"] == {
        **by_task["Oncall handoff"],
        "due_on": False,
        "next_due": "2026-11-23",
        "auto_issue": False,
        "labels": [],
        "repo": None,
    }
    assert by_task["Monthly dependency review"]["next_due"] == "2026-11-30"
    assert by_task["Renew MDM certificate signing request (CSR)"]["next_due"] == "2027-02-28"
    # The problems go to stderr, never into the JSON.
    assert "entry 8" in err
    assert "Quarterly grand review" in err


def test_command_human_summary_marks_what_is_due(github):
    out, err = _run("--date", "2026-11-18")
    assert "Rituals on 2026-11-18 (UTC), 8 in all:" in out
    assert "DUE  Release ritual (Triweekly, @lukeheath): next due 2026-11-18 [auto-issue]" in out
    assert "Create patch release branch (Every patch release, @lukeheath): event-driven" in out
    assert "2 problem(s)" in out
    assert "problem: handbook/engineering/engineering.rituals.yml, entry 10" in err


@pytest.mark.parametrize(
    "bad",
    [
        "2026-13-01",
        "tomorrow",
        "2026-2-3",
        "9999-12-31",
        "1999-12-31",
        "\uff12\uff10\uff12\uff16-01-01",
    ],
)
def test_command_bad_date_is_one_line_on_stderr_and_exit_2(github, bad, capsys):
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "rituals", "--date", bad]).execute()
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.err.strip().count("\n") == 0
    assert "--date" in captured.err
    assert "YYYY-MM-DD" in captured.err
    assert captured.out == ""


def test_command_file_issues_files_once(github, settings):
    settings.FLEETOPS_GITHUB_WRITE = True
    out, _ = _run("--date", "2026-11-18", "--file-issues")
    assert "issue: Release ritual (due 2026-11-18): filed #" in out
    out, _ = _run("--date", "2026-11-18", "--file-issues")
    assert "already filed" in out
    assert RitualIssue.objects.count() == 1
    posts = [w for w in github.writes if w.method == "POST"]
    assert len(posts) == 1


def test_command_file_issues_dry_run_says_so(github):
    out, _ = _run("--date", "2026-11-18", "--file-issues")
    assert "dry run: would be filed" in out
    assert not RitualIssue.objects.exists()


def test_command_json_with_file_issues_keeps_stdout_json(github, settings):
    settings.FLEETOPS_GITHUB_WRITE = True
    out, err = _run("--date", "2026-11-18", "--json", "--file-issues")
    assert len(json.loads(out)) == 8
    assert "filed #" in err


def test_command_github_down_uses_the_stored_copy(github):
    ritual_files_fetch()
    github.fail_next(3, status=503)
    out, err = _run("--date", "2026-11-18", "--json")
    assert len(json.loads(out)) == 8
    assert "using the stored copy" in err
