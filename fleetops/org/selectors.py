"""Reads of the organisation and its calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from fleetops.org.models import Holiday, Organization, ProductGroup, Sprint


@dataclass(frozen=True)
class OrganizationBoard:
    """A GitHub Projects board the organisation file names: a group's, or the drafting board."""

    organization: str
    number: int
    group_slug: str | None  # None: Product's drafting board

    @property
    def purpose(self) -> str:
        return f"group {self.group_slug}" if self.group_slug else "drafting"


def sprint_current(*, today: dt.date) -> Sprint | None:
    """The sprint that contains `today`, if the calendar has one."""
    return Sprint.objects.containing(today).first()


def sprint_next(*, today: dt.date) -> Sprint | None:
    return Sprint.objects.upcoming(today).first()


def product_group_list() -> QuerySet[ProductGroup]:
    """Active product groups with their EM, QA lead and member count, in one query."""
    return (
        ProductGroup.objects.active()
        .select_related("engineering_manager", "qa_lead")
        .annotate(member_count=Count("members", distinct=True))
    )


def holiday_upcoming(*, today: dt.date, days: int = 60) -> QuerySet[Holiday]:
    return Holiday.objects.between(today, today + dt.timedelta(days=days))


def organization_boards() -> list[OrganizationBoard]:
    """Every configured board: each active group's, then the drafting board (none if the
    organisation has no GitHub login yet)."""
    organization = Organization.current()
    if organization is None or not organization.github_login:
        return []
    login = organization.github_login
    boards = [
        OrganizationBoard(login, number, slug)
        for slug, number in ProductGroup.objects.active()
        .filter(board_number__isnull=False)
        .order_by("slug")
        .values_list("slug", "board_number")
    ]
    if organization.drafting_board:
        boards.append(OrganizationBoard(login, organization.drafting_board, None))
    return boards


def organization_board(*, group_slug: str | None) -> OrganizationBoard | None:
    """The board of group `group_slug`, or with None the drafting board."""
    return next((b for b in organization_boards() if b.group_slug == group_slug), None)
