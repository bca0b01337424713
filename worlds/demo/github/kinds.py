"""The kinds of issue and pull request the demo history is made of, each with its thread."""

from __future__ import annotations

import datetime as dt

from worlds.demo.github.items import Comment, HistoryBase, Item, dotted
from worlds.demo.github.vocabulary import (
    ACTIONS,
    BUG_CONTEXTS,
    BUG_SYMPTOMS,
    CODECOV,
    COMMUNITY_ISSUE_TITLES,
    COMMUNITY_PR_TITLES,
    DEPENDABOT,
    DISTROS,
    DOC_PAGES,
    GO_DEPENDENCIES,
    JS_DEPENDENCIES,
    JS_DIRECTORIES,
    PR_COMPONENTS,
    PR_VERBS,
    THINGS,
)


class ItemKinds(HistoryBase):
    """Bugs, community issues, members' issues and PRs, community PRs, dependabot bumps."""

    def bug(self, created: dt.datetime) -> Item:
        """A bug filed by QA or an engineer: `~unreleased bug` when found during its sprint."""
        group = self.group()
        author = group.qa if self.rng.random() < 0.55 else self.member()
        unreleased = self.rng.random() < 0.3
        labels = ["bug", group.label, "~unreleased bug" if unreleased else "~released bug"]
        priority = self.priority(labels)
        self.customer(labels, 0.12)
        if self.rng.random() < 0.25:
            labels.append(self.rng.choice(["~frontend", "~backend", "~qa", "~dogfood"]))
        if group.label == "#g-orchestration" and self.rng.random() < 0.25:
            labels.append("#agent")
        assignee = self.engineer(group)
        item = Item(False, created, author, self.bug_title(group), labels, assignees=[assignee])
        item.body = "## Expected behavior\n\n## Actual behavior\n\n## Steps to reproduce\n"
        median = {"P0": 6, "P1": 72}.get(priority or "", 400 if not unreleased else 90)
        # Some released bugs sit in the backlog; most of those are recent.
        backlog = 0.08 if self.now - created < dt.timedelta(days=180) else 0.01
        if unreleased or self.rng.random() > backlog:
            self.close(item, self.later(created, median, 1.3))
        if item.closed_at and self.rng.random() < 0.08:
            item.state_reason = "not_planned"
        if unreleased and item.closed_at and self.rng.random() < 0.1:
            labels.append("~release blocker")  # found in release QA, fixed before the release
        if unreleased:
            item.minor = self.minor_of(created)
            if item.closed_at is None:
                labels.append(":release")
                if self.released(item.minor):  # not fixed in its sprint: moved along
                    item.minor = self.current_minor
        elif item.closed_at and self.rng.random() < 0.7:
            item.minor = self.minor_of(item.closed_at)
        elif item.closed_at is None and self.rng.random() < 0.2:
            item.minor = self.current_minor
            labels.append(":release")
        if item.closed_at is None and self.now - created < dt.timedelta(days=5):
            labels.extend([":reproduce", ":incoming"])
        elif item.closed_at is None and self.rng.random() < 0.15:
            labels.append(":reproduce")
        if item.closed_at is None and priority in (None, "P2") and self.rng.random() < 0.06:
            labels.append("good first issue")
        self.thread(
            item,
            [author, assignee, group.qa, group.em],
            self.rng.choice([0, 1, 2, 2, 3, 3, 4, 4, 5, 6, 8]),
            created,
            [
                "Reproduced on dogfood.",
                "I can reproduce this on main.",
                "Fix is in review.",
                "QA: verified the fix on the RC branch.",
                "Is this a regression from the last release?",
                "Moving this to the next sprint, we ran out of capacity.",
                "Root cause: the cached value is not invalidated when the team changes.",
            ],
        )
        return item

    def community_issue(self, created: dt.datetime) -> Item:
        """A community bug report or feature request: triaged, usually answered in hours."""
        group = self.group()
        author = self.community()
        topics = self.topics(group)
        template = self.rng.choice(COMMUNITY_ISSUE_TITLES)
        title = template.format(
            distro=self.rng.choice(DISTROS),
            feature=self.rng.choice(topics["features"]),
            thing=self.rng.choice(THINGS),
            subject=self.rng.choice(topics["subjects"]),
            symptom=self.rng.choice(BUG_SYMPTOMS),
            context=self.rng.choice(BUG_CONTEXTS),
            doc=self.rng.choice(DOC_PAGES),
        ).strip()
        feature = template.startswith(("Feature", "Question"))
        labels = [":product"] if feature else ["bug", ":reproduce"]
        if template.startswith("Question"):
            labels.append("question")
        elif feature and self.rng.random() < 0.3:
            labels.append("~feature fest")
        item = Item(False, created, author, title, labels)
        responder = self.member()
        first = self.later(created, 2.5, 1.1)
        if first < self.now:
            item.comments.append(
                Comment(responder, first, "Thanks for the report! Which Fleet version are you on?")
            )
        stale_ask = not feature and self.rng.random() < 0.25
        if stale_ask and first < self.now:
            # Handbook, "Close a stale community issue": a week with no reply, then close.
            self.close(item, self.later(first + dt.timedelta(days=7), 30, 0.8), "not_planned")
            if item.closed_at:
                item.comments.append(
                    Comment(
                        responder,
                        item.closed_at,
                        "Closing for now: feel free to re-open with any updates.",
                    )
                )
        else:
            self.close(
                item,
                self.later(created, 500 if feature else 200, 1.2),
                self.rng.choice(["completed", "completed", "not_planned"]),
            )
            if item.state_reason == "not_planned" and self.rng.random() < 0.3:
                labels.append("duplicate")
            self.thread(
                item,
                [author, responder, self.engineer(group)],
                self.rng.choice([0, 1, 2, 3, 4, 5]),
                first,
                ["Still seeing this on the latest release.", "Here are the logs.", "Thanks!"],
            )
        if item.closed_at or self.now - created > dt.timedelta(days=3):
            # Triaged: the group owns it now.
            labels.append(group.label)
            if not feature:
                if self.rng.random() < 0.6:
                    labels.remove(":reproduce")
                labels.append("~released bug")
                self.customer(labels, 0.05)
        else:
            labels.append(":incoming")
        return item

    def member_issue(self, created: dt.datetime) -> Item:
        """Docs improvements, flaky tests and chores filed by members."""
        author = self.member()
        kind = self.rng.choice(["docs", "flaky", "chore"])
        if kind == "docs":
            title, labels = f"Improve {self.rng.choice(DOC_PAGES)}", [":improve documentation"]
        elif kind == "flaky":
            suite = self.rng.choice(["MDM", "Software", "Enterprise", "DS"])
            title = f"Flaky test: TestIntegrations{suite}"
            labels = ["~flaky test", self.group().label]
        else:
            title = f"{self.rng.choice(PR_VERBS)} {self.rng.choice(PR_COMPONENTS)}"
            labels = [self.group().label, "~backend"]
        item = Item(False, created, author, title, labels, assignees=[author])
        self.close(item, self.later(created, 150, 1.4))
        self.thread(item, self.members, self.rng.choice([0, 1, 2]), created, ["On it.", "Done."])
        return item

    def member_pr(self, created: dt.datetime) -> Item:
        """A member's PR: mostly merged within days; some drafts; some handbook or docs."""
        author = self.member()
        roll = self.rng.random()
        if roll < 0.07:
            title = f"Handbook: update {self.rng.choice(DOC_PAGES)}"
            labels = ["#handbook"] + (["~ceo"] if self.rng.random() < 0.3 else [])
        elif roll < 0.11:
            title = f"Docs: clarify {self.rng.choice(DOC_PAGES)}"
            labels = [":improve documentation"]
        else:
            title = f"{self.rng.choice(PR_VERBS)} {self.rng.choice(PR_COMPONENTS)}"
            labels = [self.group().label] if self.rng.random() < 0.1 else []
        item = Item(True, created, author, title, labels, assignees=[author])
        item.body = "Related issue: #\n\n# Checklist for submitter\n- [x] Added/updated tests\n"
        # A few PRs linger open (long-running work), only ever recent ones.
        if self.now - created > dt.timedelta(days=60) or self.rng.random() < 0.95:
            self.close(item, self.later(created, 30, 1.3))
            item.merged = item.closed_at is not None and self.rng.random() < 0.94
        if item.closed_at is None:
            item.draft = self.rng.random() < 0.35
        self.thread(
            item,
            [author, *self.rng.sample(self.members, 2)],
            self.rng.choice([0, 1, 1, 2, 2, 3, 4]),
            created,
            ["LGTM", "Left a few comments.", "Can you add a test for this?", "Addressed feedback."],
        )
        if self.rng.random() < 0.5:
            moment = created + dt.timedelta(minutes=self.rng.randrange(4, 30))
            if moment < (item.closed_at or self.now):
                item.comments.append(
                    Comment(CODECOV, moment, "## Codecov Report\nAll modified lines are covered.")
                )
        item.comments.sort(key=lambda c: c.at)
        return item

    def community_pr(self, created: dt.datetime) -> Item:
        """A community PR: the handbook's review within a business day, merged or declined."""
        author = self.community(coder=True)
        group = self.group()
        title = self.rng.choice(COMMUNITY_PR_TITLES).format(
            doc=self.rng.choice(DOC_PAGES),
            thing=self.rng.choice(THINGS),
            distro=self.rng.choice(DISTROS),
            component=self.rng.choice(PR_COMPONENTS),
        )
        labels = [":improve documentation"] if title.startswith(("Fix typo", "Document")) else []
        item = Item(True, created, author, title, labels, assignees=[group.em])
        reviewer = self.engineer(group)
        first = self.later(created, 5, 1.0)
        if first < self.now:
            item.comments.append(
                Comment(reviewer, first, "Thanks for the contribution! Taking a look.")
            )
        if self.now - created > dt.timedelta(days=120) or self.rng.random() < 0.9:
            self.close(item, self.later(created, 200, 1.1))
        if item.closed_at:
            item.merged = self.rng.random() < 0.55
            closing = "Merged, thank you!" if item.merged else "Thanks! We won't merge this one."
            item.comments.append(Comment(reviewer, item.closed_at, closing))
        else:
            item.draft = self.rng.random() < 0.2  # handbook: the EM sets product changes to draft
        self.thread(
            item,
            [author, reviewer],
            self.rng.choice([0, 1, 2]),
            first,
            ["Updated.", "Could you rebase on main?", "Done, PTAL."],
        )
        item.comments.sort(key=lambda c: c.at)
        return item

    def dependabot_pr(self, created: dt.datetime) -> Item:
        """A dependabot bump: merged, or closed when a newer bump supersedes it."""
        roll = self.rng.random()
        if roll < 0.45:
            name, base = self.rng.choice(GO_DEPENDENCIES)
            ecosystem, where = "go", ""
        elif roll < 0.8:
            name, base = self.rng.choice(JS_DEPENDENCIES)
            ecosystem, where = "javascript", self.rng.choice(JS_DIRECTORIES)
        else:
            name, base = self.rng.choice(ACTIONS)
            ecosystem, where = "github_actions", ""
        age = (created - self.start).days
        old = (base[0], base[1] + age // 90, self.rng.randrange(0, 4))
        new = (old[0], old[1], old[2] + 1) if self.rng.random() < 0.6 else (old[0], old[1] + 1, 0)
        title = f"Bump {name} from {dotted(old)} to {dotted(new)}{where}"
        item = Item(True, created, DEPENDABOT, title, ["dependencies", ecosystem])
        item.association = "CONTRIBUTOR"
        if self.rng.random() < 0.93:
            self.close(item, self.later(created, 50, 1.3))
            item.merged = item.closed_at is not None and self.rng.random() < 0.6
            if item.closed_at and not item.merged:
                item.comments.append(
                    Comment(DEPENDABOT, item.closed_at, "Superseded by a newer version.")
                )
        if self.rng.random() < 0.15:
            item.comments.insert(
                0, Comment(self.member(), self.later(created, 20), "@dependabot rebase")
            )
            if item.comments[0].at >= (item.closed_at or self.now):
                item.comments.pop(0)
        return item
