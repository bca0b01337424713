"""The open issues and PRs of product groups that the release board counts, by group label.

Counted over every open item of the mirror, so stored per mirror stamp (ADR 0022): the
board reads one row (`group_counts`); a sign-off reads its group's blockers fresh.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, QuerySet

from fleetops.github.models import Issue, Label
from fleetops.github.summaries import mirror_summary, summary_key
from fleetops.org.models import ProductGroup


class _GroupIssues:
    """Open issues and PRs of product groups, by group label, as semi-joins on label ids.

    Each count is one query that joins the group labels' rows with the (few) issues carrying
    a second label: fast on a 40,000-issue mirror, where a per-row EXISTS was not.
    """

    NAMES = ("~release blocker", "~unreleased bug", ":release", "P1", "bug")

    def __init__(self, labels: list[str]) -> None:
        names = [*labels, *self.NAMES]
        ids = dict(
            Label.objects.filter(
                repository__full_name=settings.GITHUB_REPOSITORY, name__in=names
            ).values_list("name", "pk")
        )
        self.label_names = {ids[name]: name for name in labels if name in ids}
        self.ids = ids

    def _with(self, name: str) -> QuerySet:
        return Issue.labels.through.objects.filter(label_id=self.ids.get(name)).values("issue_id")

    def rows(self, *, pull_requests: bool = False) -> QuerySet:
        return Issue.labels.through.objects.filter(
            label_id__in=list(self.label_names),
            issue__state=Issue.State.OPEN,
            issue__gone_at__isnull=True,
            issue__is_pull_request=pull_requests,
        )

    def blockers(self) -> QuerySet:
        """Issues with `~release blocker`, or `~unreleased bug` with `:release`.

        One semi-join on the union of the two sets: an OR of two semi-joins made
        PostgreSQL test every group-labelled row ever filed (ADR 0012).
        """
        unreleased_release = self._with("~unreleased bug").filter(
            issue_id__in=self._with(":release")
        )
        return self.rows().filter(
            issue_id__in=self._with("~release blocker").union(unreleased_release)
        )

    def count_by_group(self, rows: QuerySet) -> dict[str, int]:
        return {
            self.label_names[label_id]: n
            for label_id, n in rows.values("label_id")
            .annotate(n=Count("issue_id"))
            .values_list("label_id", "n")
        }

    def unreleased(self) -> dict[str, int]:
        return self.count_by_group(self.rows().filter(issue_id__in=self._with("~unreleased bug")))

    def p1_bugs(self) -> dict[str, int]:
        return self.count_by_group(
            self.rows().filter(issue_id__in=self._with("bug")).filter(issue_id__in=self._with("P1"))
        )

    def prs_against(self, branch: str) -> dict[str, int]:
        return self.count_by_group(self.rows(pull_requests=True).filter(issue__base_ref=branch))


def group_counts(*, labels: list[str], branch: str) -> dict[str, dict]:
    """Per group label: open unreleased bugs, P1 bugs, PRs into `branch`, release blockers.

    Counted over every open item of the mirror, so computed once per mirror change and
    stored (`fleetops/github/summaries.py`, ADR 0022): a view reads one row.
    """
    labels = sorted(set(labels))
    key = summary_key("board.group_counts.v1", settings.GITHUB_REPOSITORY, labels, branch)
    return mirror_summary(key, lambda: _count_groups(labels, branch))


def _count_groups(labels: list[str], branch: str) -> dict[str, dict]:
    groups = _GroupIssues(labels)
    blockers: dict[str, list[tuple[int, str]]] = {}
    for label_id, number, title in (
        groups.blockers()
        .values_list("label_id", "issue__number", "issue__title")
        .order_by("issue__number")
    ):
        blockers.setdefault(groups.label_names[label_id], []).append((number, title))
    return {
        "unreleased": groups.unreleased(),
        "p1_bugs": groups.p1_bugs(),
        "open_prs": groups.prs_against(branch) if branch else {},
        "blockers": blockers,
    }


def group_release_blockers(*, group: ProductGroup) -> list[Issue]:
    """The group's open release blockers.

    Issues with the group's label and `~release blocker`, or `~unreleased bug` with
    `:release` (handbook: unreleased bugs found in an active sprint block its release).
    """
    ids = _GroupIssues([group.github_label]).blockers().values("issue_id")
    return list(Issue.objects.filter(pk__in=ids).only("number", "title").order_by("number"))
