"""Pushed stories and the notice each would get (the dry-run preview)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from fleetops.github.models import Issue
from releases.notifications import rules
from releases.notifications.models import PushedStoryNotice


@dataclass(frozen=True)
class PushedStoryPreview:
    """What notifying a pushed story's stakeholders would post, and whether it was."""

    story: Issue
    mentioned: list[str]
    comment: str
    slack_text: str
    notice: PushedStoryNotice | None

    @property
    def number(self) -> int:
        return self.story.number


def pushed_stories() -> list[Issue]:
    """Open user stories labelled `~pushed` in the product repository."""
    return list(
        Issue.objects.open()
        .issues()
        .filter(repository__full_name=settings.GITHUB_REPOSITORY, labels__name=rules.PUSHED)
        .filter(labels__name=rules.STORY)
        .select_related("repository", "milestone")
        .prefetch_related("labels")
        .order_by("number")
        .distinct()
    )


def pushed_story_preview(
    story: Issue, notice: PushedStoryNotice | None = None
) -> PushedStoryPreview:
    """The comment (and the customer-success Slack message) a pushed story gets."""
    milestone = story.milestone.title if story.milestone else ""
    mentioned = rules.mentions(
        head_of_product_design=settings.FLEETOPS_HEAD_OF_PRODUCT_DESIGN,
        requesters=rules.requesters(story.body),
    )
    customers = rules.customer_labels(label.name for label in story.labels.all())
    slack_text = (
        rules.customer_slack_text(
            lead=settings.FLEETOPS_CUSTOMER_SUCCESS_LEAD,
            number=story.number,
            title=story.title,
            url=story.html_url,
            customers=customers,
            milestone=milestone,
        )
        if customers
        else ""
    )
    return PushedStoryPreview(
        story=story,
        mentioned=mentioned,
        comment=rules.pushed_comment(milestone=milestone, mentioned=mentioned),
        slack_text=slack_text,
        notice=notice,
    )


def pushed_story_previews() -> list[PushedStoryPreview]:
    stories = pushed_stories()
    notices = {
        n.story_number: n
        for n in PushedStoryNotice.objects.filter(
            story_number__in=[s.number for s in stories]
        ).select_related("notified_by")
    }
    return [pushed_story_preview(story, notices.get(story.number)) for story in stories]
