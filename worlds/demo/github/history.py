"""The demo repository's whole history: planned work, staged scenarios, reference data."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

from worlds.demo.github.items import Comment, Item, Release, Tag, dotted
from worlds.demo.github.kinds import ItemKinds
from worlds.demo.github.vocabulary import (
    BOTS,
    BUG_SYMPTOMS,
    COMMENTS_PER_ISSUE_MAX,
    ENGINEERING_STORIES,
    FIRST_NUMBER,
    GROUP_TOPICS,
    ITEMS,
    PR_COMPONENTS,
    STORY_VERBS,
)


class MirrorBuilder(ItemKinds):
    """Invents the repository's history; knows nothing of the database."""

    def stories(self) -> None:
        """About ten stories per milestone, drafted weeks before their sprint."""
        for minor in range(self.first_minor, self.current_minor + 2):
            sprint_start = self.sprint_start(minor)
            for _ in range(self.rng.randint(8, 12)):
                group = self.group()
                initiated = self.rng.random() < 0.15
                if initiated:
                    title = self.rng.choice(ENGINEERING_STORIES)
                else:
                    topics = self.topics(group)
                    feature = self.rng.choice(topics["features"])
                    title = f"{self.rng.choice(STORY_VERBS)} {feature}"
                created = max(
                    sprint_start - dt.timedelta(days=self.rng.uniform(5, 70)),
                    self.start + dt.timedelta(hours=self.rng.randrange(1, 400)),
                )
                created = min(created, self.now - dt.timedelta(hours=6)).replace(microsecond=0)
                labels = ["story", group.label]
                labels.append("~engineering-initiated" if initiated else ":product")
                author = group.em if not initiated else self.engineer(group)
                assignees = self.rng.sample(group.engineers or [group.em], k=1)
                item = Item(False, created, author, title, labels, assignees=assignees)
                item.body = "## Goal\n\n| User story |\n| as a / I want to / so that |\n"
                item.minor = minor
                pushed = minor < self.current_minor + 1 and self.rng.random() < 0.06
                if pushed:
                    labels.append("~pushed")
                    item.minor = minor + 1
                self.customer(labels, 0.12)
                if self.released(item.minor):
                    # Handbook, "Conclude current milestone": stories go back to drafting
                    # (`:product`), and product closes them when they confirm and celebrate.
                    if ":product" not in labels:
                        labels.append(":product")
                    self.close(
                        item,
                        self.release_at(item.minor)
                        + dt.timedelta(hours=self.rng.randrange(1, 240)),
                        "not_planned" if self.rng.random() < 0.05 else "completed",
                    )
                elif item.minor <= self.current_minor:
                    labels.append(":release")
                    if ":product" in labels:
                        labels.remove(":product")
                self.thread(
                    item,
                    [author, group.em, group.qa, *assignees],
                    self.rng.choice([2, 3, 4, 5, 6, 8, 10]),
                    created,
                    [
                        "Estimated at 5 points.",
                        "Design is ready for review.",
                        "Moving to the next sprint: the API changes took longer.",
                        "QA: test plan added.",
                        "Hey @team, this is ready for estimation.",
                    ],
                )
                self.items.append(item)
        # Drafting backlog: stories not scheduled yet.
        for created in self.moments(60, self.start, self.now - dt.timedelta(days=1)):
            group = self.group()
            topics = self.topics(group)
            title = f"{self.rng.choice(STORY_VERBS)} {self.rng.choice(topics['features'])}"
            labels = ["story", ":product", group.label]
            self.customer(labels, 0.2)
            item = Item(False, created, group.em, title, labels)
            self.thread(item, [group.em, group.qa], self.rng.randint(0, 3), created, ["+1"])
            self.items.append(item)

    def release_qa(self) -> None:
        """One release QA issue per minor version, closed when the release ships."""
        for minor in range(self.first_minor, self.current_minor + 1):
            opened = self.sprint_start(minor + 1) - dt.timedelta(days=2, hours=7)
            if opened >= self.now:
                continue
            dri = self.groups[minor % len(self.groups)].qa
            item = Item(False, opened, dri, f"Release QA: {self.minor_label(minor)}", [":release"])
            item.minor = minor
            item.assignees = sorted({g.qa for g in self.groups})
            self.close(item, self.release_at(minor) - dt.timedelta(hours=1))
            for group in self.groups:
                moment = self.between(opened, item.closed_at or self.now)
                item.comments.append(Comment(group.qa, moment, "Ready for release."))
            item.comments.sort(key=lambda c: c.at)
            self.items.append(item)

    # -- scenarios the pages need -------------------------------------------------------

    def scenarios(self) -> None:
        """Open release blockers, unreleased bugs, community work waiting or gone stale."""
        now = self.now
        for group in self.groups[:3]:
            created = now - dt.timedelta(hours=self.rng.randrange(20, 120))
            labels = ["bug", group.label, "~release blocker", "~unreleased bug", ":release", "P1"]
            assignee = self.engineer(group)
            item = Item(
                False, created, group.qa, self.bug_title(group), labels, assignees=[assignee]
            )
            item.minor = self.current_minor
            item.comments.append(Comment(assignee, self.later(created, 3), "Looking into it now."))
            item.comments = [c for c in item.comments if c.at < now]
            self.items.append(item)
        for group in self.groups:
            for _ in range(2):
                created = max(
                    self.sprint_start(self.current_minor), now - dt.timedelta(days=20)
                ) + dt.timedelta(hours=self.rng.randrange(1, 200))
                created = min(created, now - dt.timedelta(hours=2))
                labels = ["bug", group.label, "~unreleased bug", ":release", "P2"]
                item = Item(
                    False,
                    created,
                    group.qa,
                    self.bug_title(group),
                    labels,
                    assignees=[self.engineer(group)],
                )
                item.minor = self.current_minor
                self.items.append(item)
        # Community issues and PRs no member has answered yet (the on-call SLA page).
        waits = [0.4, 2, 5, 26, 50, 96]
        for hours in waits:
            created = now - dt.timedelta(hours=hours, minutes=self.rng.randrange(0, 20))
            topics = GROUP_TOPICS[self.rng.choice(list(GROUP_TOPICS))]
            if hours < 10:
                title = f"{self.rng.choice(topics['subjects'])} {self.rng.choice(BUG_SYMPTOMS)}"
                labels = ["bug", ":reproduce", ":incoming"]
            else:
                title = f"Feature request: {self.rng.choice(topics['features'])}"
                labels = [":product", ":incoming"]
            author = self.community()
            item = Item(False, created, author, title, labels)
            if hours > 40:
                item.comments.append(
                    Comment(author, self.later(created, 20, 0.3), "Any update on this?")
                )
            self.items.append(item)
        for hours in (3, 30):
            created = now - dt.timedelta(hours=hours)
            title = f"Fix nil pointer in {self.rng.choice(PR_COMPONENTS)}"
            self.items.append(Item(True, created, self.community(coder=True), title, []))
        # A member asked for more context a week or more ago; the author never replied.
        for days in (8, 10, 13, 17, 24):
            group = self.group()
            created = now - dt.timedelta(days=days + self.rng.randint(1, 6))
            ask = now - dt.timedelta(days=days, hours=self.rng.randrange(0, 8))
            author = self.community()
            subject = self.rng.choice(self.topics(group)["subjects"])
            title = f"{subject} {self.rng.choice(BUG_SYMPTOMS)}"
            item = Item(False, created, author, title, ["bug", ":reproduce", group.label])
            item.comments.append(
                Comment(
                    self.engineer(group),
                    ask,
                    "Thanks! I can't reproduce this: could you share your Fleet and osquery "
                    "versions and the server logs?",
                )
            )
            self.items.append(item)

    # -- the whole history ----------------------------------------------------------------

    def build(self) -> list[Item]:
        """The whole history: planned work, the scenarios, then a random mix of the rest."""
        self.stories()
        self.release_qa()
        self.scenarios()
        remaining = ITEMS - len(self.items)
        kinds: list[Callable[[dt.datetime], Item]] = [
            self.bug,
            self.community_issue,
            self.member_issue,
            self.member_pr,
            self.community_pr,
            self.dependabot_pr,
        ]
        weights = [0.33, 0.07, 0.03, 0.44, 0.05, 0.08]
        end = self.now - dt.timedelta(hours=12)
        for created in self.moments(remaining, self.start, end):
            kind = self.rng.choices(kinds, weights=weights)[0]
            self.items.append(kind(created))
        self.finish()
        return self.items

    def finish(self) -> None:
        """Number by creation, cap threads, and set community author associations."""
        self.items.sort(key=lambda i: (i.created_at, i.title))
        for offset, item in enumerate(self.items):
            item.number = FIRST_NUMBER + offset
            item.comments = [c for c in item.comments if item.created_at <= c.at <= self.now]
            item.comments.sort(key=lambda c: c.at)
            del item.comments[COMMENTS_PER_ISSUE_MAX:]
            if item.closed_at and item.closed_at > self.now:
                item.closed_at = None
        # GitHub computes author_association when it answers: whoever has a merged PR is a
        # CONTRIBUTOR; the author of a single, unmerged PR a FIRST_TIME_CONTRIBUTOR; others NONE.
        contributors = {i.author for i in self.items if i.pull and i.merged}
        pulls = Counter(i.author for i in self.items if i.pull)
        members = set(self.members)
        for item in self.items:
            if not item.association:
                item.association = self.association(item.author, members, contributors)
                if item.pull and item.association == "NONE" and pulls[item.author] == 1:
                    item.association = "FIRST_TIME_CONTRIBUTOR"
            for comment in item.comments:
                if comment.login == item.author:
                    comment.association = item.association
                else:
                    comment.association = self.association(comment.login, members, contributors)

    @staticmethod
    def association(login: str, members: set[str], contributors: set[str]) -> str:
        if login in members:
            return "MEMBER"
        if login in BOTS:
            return "NONE"
        return "CONTRIBUTOR" if login in contributors else "NONE"

    # -- reference data --------------------------------------------------------------------

    def tags(self) -> list[Tag]:
        """fleet-v4.N.P since 4.0.0, orbit-v1.X.0 every other release, fleetd-chrome sometimes."""
        tags: list[Tag] = []
        for minor in range(0, self.current_minor):
            released = self.release_at(minor)
            if released > self.now:
                continue
            tags.append(Tag(f"fleet-v4.{minor}.0", released))
            patch_at = released
            for patch in (1, 2):
                if self.rng.random() > (0.6 if patch == 1 else 0.3):
                    break
                patch_at += dt.timedelta(days=self.rng.randint(3, 8), hours=self.rng.randint(0, 8))
                if patch_at >= min(self.now, self.release_at(minor + 1)):
                    break
                tags.append(Tag(f"fleet-v4.{minor}.{patch}", patch_at))
            if minor >= 10 and minor % 2 == 0:
                tags.append(
                    Tag(f"orbit-v1.{(minor - 10) // 2}.0", released + dt.timedelta(hours=2))
                )
            if minor >= 30 and minor % 6 == 0:
                version = (minor - 30) // 6
                tags.append(Tag(f"fleetd-chrome-v1.{version // 3}.{version % 3}", released))
        return tags

    def osquery_releases(self) -> list[Release]:
        """osquery's tags have no `v`; the newest is a prerelease (the checks ignore it)."""
        out: list[Release] = []
        minor, patch = 11, 0
        moment = self.start + dt.timedelta(days=20)
        while moment < self.now - dt.timedelta(days=10):
            out.append(Release(f"5.{minor}.{patch}", moment))
            if self.rng.random() < 0.35:
                patch += 1
                moment += dt.timedelta(days=self.rng.randint(12, 25))
            else:
                minor, patch = minor + 1, 0
                moment += dt.timedelta(days=self.rng.randint(50, 80))
        newest = tuple(int(part) for part in out[-1].tag.split("."))
        next_minor = f"5.{newest[1] + 1}.0"
        out.append(Release(next_minor, self.now - dt.timedelta(days=3), prerelease=True))
        return out

    def extension_releases(self) -> list[Release]:
        """macadmins/osquery-extension's tags carry a `v`."""
        out: list[Release] = []
        version = [1, 2, 0]
        moment = self.start + dt.timedelta(days=35)
        while moment < self.now - dt.timedelta(days=4):
            out.append(Release(f"v{dotted(tuple(version))}", moment))
            if self.rng.random() < 0.15:
                version = [version[0], version[1] + 1, 0]
            else:
                version[2] += 1
            moment += dt.timedelta(days=self.rng.randint(30, 90))
        return out

    def go_directive(self) -> str:
        """The Go version: a new major every February and August; a patch about monthly."""
        months = (self.now.year - 2024) * 12 + self.now.month - 2  # since Go 1.22
        settled = max(months - 2, 0)  # Fleet moves to a new major a couple of months in
        major = 22 + settled // 6
        patch = max(months - (major - 22) * 6 - 1, 0)
        return f"1.{major}.{patch}"
