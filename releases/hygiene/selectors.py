"""Release hygiene findings, read from the mirror (rules in `releases/hygiene/rules.py`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db.models import Q

from fleetops.github.models import Issue
from fleetops.github.summaries import mirror_summary, summary_key
from fleetops.org.models import ProductGroup
from releases.board.models import MergeException, Release
from releases.hygiene import rules


def _product_issues():
    return Issue.objects.filter(repository__full_name=settings.GITHUB_REPOSITORY)


def _mention(login: str) -> str:
    return f"@{login}" if login else "the author"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _closing_keyword_findings() -> list[rules.Finding]:
    """Open PRs whose title or body would close an open `bug` issue on merge."""
    repository = settings.GITHUB_REPOSITORY
    prs = (
        _product_issues()
        .open()
        .pull_requests()
        .filter(Q(title__iregex=rules.CLOSING_CANDIDATE) | Q(body__iregex=rules.CLOSING_CANDIDATE))
        .select_related("repository")
        .only("number", "title", "body", "author_login", "repository__full_name")
        .order_by("number")
    )
    linked = {
        pr: rules.closing_references(f"{pr.title}\n{pr.body}", repository=repository) for pr in prs
    }
    wanted = {n for numbers in linked.values() for n in numbers}
    bugs = set(
        _product_issues()
        .open()
        .issues()
        .filter(number__in=wanted, labels__name="bug")
        .values_list("number", flat=True)
    )
    findings = []
    for pr, numbers in linked.items():
        closing_bugs = [n for n in numbers if n in bugs]
        if closing_bugs:
            findings.append(
                rules.Finding(
                    rule=rules.CLOSING_KEYWORD,
                    number=pr.number,
                    title=pr.title,
                    detail=rules.closing_keyword_detail(closing_bugs),
                    act=_mention(pr.author_login),
                    url=pr.html_url,
                )
            )
    return findings


def _labelled(names: list[str]):
    """The ids of issues carrying any of these labels (a subquery)."""
    return Issue.labels.through.objects.filter(label__name__in=names).values("issue_id")


def _unreleased_bugs_lacking(group_labels: list[str]):
    """Open `~unreleased bug` issues that lack `:release`, a group label or an assignee.

    The same rule as `rules.unreleased_bug_problems`, in SQL: only the issues with a problem
    are read into Python (the rule then says which problems).
    """
    bugs = _product_issues().open().issues().filter(pk__in=_labelled([rules.UNRELEASED_BUG]))
    complete = (
        bugs.filter(pk__in=_labelled([rules.RELEASE_LABEL]))
        .filter(pk__in=_labelled(group_labels))
        .exclude(assignees=[])
    )
    return bugs.exclude(pk__in=complete.values("pk"))


def _groups_by_label() -> dict[str, ProductGroup]:
    groups = ProductGroup.objects.active().select_related("engineering_manager")
    return {group.github_label: group for group in groups if group.github_label}


def _unreleased_bug_label_findings(by_label: dict[str, ProductGroup]) -> list[rules.Finding]:
    """Open `~unreleased bug` issues without `:release`, a product group label or an assignee."""
    bugs = _unreleased_bugs_lacking(list(by_label)).select_related("repository").order_by("number")
    # One query for every bug's labels, run even when there are none (a constant count).
    labels_of: dict[int, list[str]] = {}
    for issue_id, name in Issue.labels.through.objects.filter(
        issue_id__in=bugs.values("pk")
    ).values_list("issue_id", "label__name"):
        labels_of.setdefault(issue_id, []).append(name)
    findings = []
    for bug in bugs:
        labels = labels_of.get(bug.pk, [])
        problems = rules.unreleased_bug_problems(
            labels=labels, assignees=bug.assignees, group_labels=by_label
        )
        if not problems:
            continue
        group = next((by_label[name] for name in labels if name in by_label), None)
        em = group.engineering_manager if group else None
        act = em.name + " (EM)" if em else "the QA lead who filed it, or the group's EM"
        findings.append(
            rules.Finding(
                rule=rules.UNRELEASED_BUG_LABELS,
                number=bug.number,
                title=bug.title,
                detail=_sentence("; ".join(problems)),
                act=act,
                url=bug.html_url,
            )
        )
    return findings


def rc_merge_findings(*, rc_branch: str, release: Release | None) -> list[rules.Finding]:
    """Open PRs into the RC branch that are neither unreleased-bug fixes nor approved exceptions."""
    repository = settings.GITHUB_REPOSITORY
    prs = list(
        _product_issues()
        .open()
        .pull_requests()
        .filter(base_ref=rc_branch)
        .select_related("repository")
        .only("number", "title", "body", "author_login", "repository__full_name")
        .order_by("number")
    )
    if not prs:  # before the RC is cut, and most days after: nothing else to ask
        return []
    referenced = {
        pr.pk: rules.references(f"{pr.title}\n{pr.body}", repository=repository) for pr in prs
    }
    unreleased = set(
        _product_issues()
        .open()
        .issues()
        .filter(
            labels__name=rules.UNRELEASED_BUG,
            number__in={n for numbers in referenced.values() for n in numbers},
        )
        .values_list("number", flat=True)
    )
    exceptions = (
        dict(
            MergeException.objects.filter(
                release=release, pr_number__in=[pr.number for pr in prs]
            ).values_list("pr_number", "state")
        )
        if release is not None
        else {}
    )
    findings = []
    for pr in prs:
        state = exceptions.get(pr.number)
        if rules.rc_merge_allowed(
            referenced=referenced[pr.pk],
            open_unreleased_bugs=unreleased,
            exception_approved=state == MergeException.State.APPROVED,
        ):
            continue
        findings.append(
            rules.Finding(
                rule=rules.RC_MERGE,
                number=pr.number,
                title=pr.title,
                detail=rules.rc_merge_detail(branch=rc_branch, exception_state=state),
                act=_mention(pr.author_login) + " (and the group's EM, QA lead and release DRI)",
                url=pr.html_url,
            )
        )
    return findings


def rc_branch_of(release: Release) -> str:
    """The release's RC branch: the one cut, else the handbook's name for it."""
    candidate = getattr(release, "candidate", None)
    return candidate.branch if candidate is not None else release.rc_branch_name


def release_for_branch(rc_branch: str) -> Release | None:
    """The release whose RC branch is `rc_branch`, if fleetops knows it."""
    release = Release.objects.filter(candidate__branch=rc_branch).first()
    if release is not None:
        return release
    for candidate in Release.objects.filter(version__in=[rc_branch.rsplit("-v", 1)[-1]]):
        if candidate.rc_branch_name == rc_branch:
            return candidate
    return None


def _mirror_findings(by_label: dict[str, ProductGroup]) -> list[rules.Finding]:
    return [*_closing_keyword_findings(), *_unreleased_bug_label_findings(by_label)]


def _findings_store() -> tuple[str, Callable[[], dict]]:
    """The stored findings' key (what they depend on) and how to compute them."""
    by_label = _groups_by_label()
    ems = sorted(
        (label, group.engineering_manager.name if group.engineering_manager else "")
        for label, group in by_label.items()
    )
    key = summary_key("hygiene.findings.v1", settings.GITHUB_REPOSITORY, ems)

    def every() -> dict:
        findings = _mirror_findings(by_label)
        counts = Counter(finding.rule for finding in findings)
        return {"counts": dict(counts), "findings": [asdict(f) for f in findings]}

    return key, every


def hygiene_json_rows(*, release: Release) -> list[dict[str, object]]:
    """Every finding as `release_hygiene --json` prints it (`Finding.as_json`).

    The stored findings' JSON fields have a row of their own, decoded as they are: the
    endpoint lists every finding, and reads a third of what the findings hold.
    """
    key, every = _findings_store()

    def rows() -> list[dict[str, object]]:
        return [rules.Finding(**row).as_json() for row in mirror_summary(key, every)["findings"]]

    merges = rc_merge_findings(rc_branch=rc_branch_of(release), release=release)
    return [*mirror_summary(f"{key}:json", rows), *(finding.as_json() for finding in merges)]


def _stored_mirror_findings(
    *, first: int | None = None, rule: str = "", start: int = 0
) -> tuple[dict[str, int], list[rules.Finding]]:
    """The closing-keyword and unreleased-bug findings' counts, and the findings from `start`
    (the first `first` of them; of `rule` only, when given).

    Both rules read every open PR or `~unreleased bug` issue ever filed, so their findings
    are computed once per mirror change and stored (`fleetops/github/summaries.py`, ADR
    0022); the key holds what else they depend on (the repository, the groups' labels and
    EMs). A part (the board's first five, a page of the hygiene page) is stored as its own
    row, so a view decodes what it shows, not every finding.
    """
    key, every = _findings_store()

    def part() -> dict:
        stored = mirror_summary(key, every)
        rows = [row for row in stored["findings"] if not rule or row["rule"] == rule]
        stop = None if first is None else start + first
        return {**stored, "findings": rows[start:stop]}

    whole = first is None and not rule and not start
    stored = (
        mirror_summary(key, every)
        if whole
        else mirror_summary(f"{key}:{rule}:{start}:{first}", part)
    )
    return stored["counts"], [rules.Finding(**row) for row in stored["findings"]]


def hygiene_findings(*, rc_branch: str, release: Release | None) -> list[rules.Finding]:
    """Every hygiene finding: one per PR or issue and rule, in the rules' order."""
    _, stored = _stored_mirror_findings(first=None)
    return [*stored, *rc_merge_findings(rc_branch=rc_branch, release=release)]


@dataclass(frozen=True)
class HygieneSummary:
    rc_branch: str
    counts: dict[str, int]
    findings: list[rules.Finding]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def count_rows(self) -> list[tuple[str, str, int]]:
        """(rule, its title, how many findings) in the rules' order."""
        return [(rule, rules.RULE_TITLE[rule], self.counts[rule]) for rule in rules.RULES]


def release_hygiene(*, release: Release, first: int | None = None) -> HygieneSummary:
    """The release's hygiene: its RC branch, the findings, and their count per rule.

    With `first` (the board's panel), only the first `first` findings are read from the
    stored ones; the counts are still those of every finding.
    """
    branch = rc_branch_of(release)
    counts, stored = _stored_mirror_findings(first=first)
    merges = rc_merge_findings(rc_branch=branch, release=release)
    counts = {**counts, rules.RC_MERGE: len(merges)}
    findings = [*stored, *merges]
    return HygieneSummary(
        branch,
        {rule: counts.get(rule, 0) for rule in rules.RULES},
        findings if first is None else findings[:first],
    )


PAGE_SIZE = 50


def _page_count(count: int, size: int) -> int:
    """Pages of `size` that `count` findings fill; one even when there are none."""
    return max(1, -(-count // size))


@dataclass(frozen=True)
class HygienePage:
    """One page of the hygiene page: the counts of every rule, `size` findings of one rule
    (or of all), and where they sit in the whole list."""

    summary: HygieneSummary
    rule: str
    number: int
    size: int
    count: int  # findings of the chosen rule (or all)

    @property
    def pages(self) -> int:
        return _page_count(self.count, self.size)

    @property
    def first_shown(self) -> int:
        return (self.number - 1) * self.size + 1 if self.count else 0

    @property
    def last_shown(self) -> int:
        return min(self.number * self.size, self.count)

    @property
    def findings(self) -> list[rules.Finding]:
        return self.summary.findings


def release_hygiene_page(
    *, release: Release, rule: str = "", page: int = 1, size: int = PAGE_SIZE
) -> HygienePage:
    """The findings of `rule` (all when empty) on page `page` (past the last: the last).

    Reads one stored page of findings, which holds the counts (ADR 0022); the RC-merge
    rule, bounded by the open PRs into the RC branch, is checked fresh.
    """
    rule = rule if rule in rules.RULES else ""
    branch = rc_branch_of(release)
    merges = rc_merge_findings(rc_branch=branch, release=release)
    asked = max(page, 1)

    def stored_page(number: int) -> tuple[dict[str, int], list[rules.Finding]]:
        # The stored part holds the counts too; read even past the stored findings (the
        # RC-merge rule, a page beyond them): one query, whatever the data.
        return _stored_mirror_findings(first=size, rule=rule, start=(number - 1) * size)

    stored_counts, findings = stored_page(asked)
    counts = {r: stored_counts.get(r, 0) for r in rules.RULES} | {rules.RC_MERGE: len(merges)}
    count = counts[rule] if rule else sum(counts.values())
    number = min(asked, _page_count(count, size))
    if number != asked:  # past the last page: the last
        _, findings = stored_page(number)
    start = (number - 1) * size
    if rule == rules.RC_MERGE:
        findings = merges[start : start + size]
    elif not rule:
        in_store = count - len(merges)
        if start + size > in_store:  # the page reaches into the RC-merge rule's findings
            findings = [*findings, *merges[max(0, start - in_store) : start + size - in_store]]
    summary = HygieneSummary(branch, counts, findings)
    return HygienePage(summary=summary, rule=rule, number=number, size=size, count=count)
