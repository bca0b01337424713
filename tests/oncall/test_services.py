from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fleetops.github.models import GitHubWrite
from oncall.community.selectors import community_issues_stale
from oncall.community.services import stale_issue_close
from oncall.models import OncallHandoff, OncallProfile, Override, Swap, TimeOff
from oncall.schedule.handoffs import INTERRUPTED, handoff_announce, handoff_record
from oncall.schedule.selectors import feed_profile, oncall_person_now
from oncall.schedule.services import (
    feed_token_rotate,
    override_cancel,
    override_create,
    swap_create,
    time_off_create,
    time_off_delete,
    time_off_import,
)
from tests.factories import UserFactory
from tests.oncall.conftest import la
from tests.oncall.factories import (
    OncallProfileFactory,
    TimeOffFactory,
    mirror_comment,
    mirror_issue,
)

pytestmark = pytest.mark.django_db

NOW = la(2026, 1, 5, 10)  # Monday of Alice's first shift
TODAY = NOW.date()


def _override(team, actor, **fields) -> Override:
    values = {
        "rotation_id": team.rotation.pk,
        "person_id": team.bob.pk,
        "starts_at": la(2026, 1, 7, 9),
        "ends_at": la(2026, 1, 8, 9),
        "actor": actor,
        "now": NOW,
    }
    return override_create(**(values | fields))


# -- overrides --------------------------------------------------------------------------------


def test_override_create_by_the_em_changes_who_is_on_call_and_records_who(team):
    override = _override(team, team.erin.user, note="Alice at a customer onsite")
    assert (override.created_by, override.created_at) == (team.erin.user, NOW)
    assert oncall_person_now(at=la(2026, 1, 7, 12)) == team.bob


def test_override_create_by_staff(team):
    _override(team, team.staff)
    assert oncall_person_now(at=la(2026, 1, 7, 12)) == team.bob


def test_override_create_by_the_person_on_call_for_their_own_shift(team):
    _override(team, team.alice.user)
    assert oncall_person_now(at=la(2026, 1, 7, 12)) == team.bob


@pytest.mark.parametrize("who", ["bob", "dana", "quinn"])
def test_override_create_of_someone_elses_shift_is_refused(team, who):
    # Alice is on call; Bob (even as the one covering), Dana and the QA lead may not.
    with pytest.raises(PermissionDenied):
        _override(team, getattr(team, who).user)
    assert not Override.objects.exists()


def test_override_create_reaching_into_someone_elses_shift_is_refused(team):
    with pytest.raises(PermissionDenied):
        _override(team, team.alice.user, ends_at=la(2026, 1, 12, 10))  # an hour of Bob's shift
    assert not Override.objects.exists()


def test_override_create_that_ends_before_it_starts_is_refused(team):
    with pytest.raises(ValidationError, match=r"ends .* before it starts"):
        _override(team, team.erin.user, starts_at=la(2026, 1, 8, 9), ends_at=la(2026, 1, 7, 9))
    assert not Override.objects.exists()


def test_override_create_in_the_past_is_refused(team):
    with pytest.raises(ValidationError, match="already over"):
        _override(team, team.erin.user, now=la(2026, 1, 9))


def test_override_create_naming_someone_outside_the_rotation_is_refused(team):
    with pytest.raises(
        ValidationError, match="Dana Outsider is not in the Developer on-call rotation"
    ):
        _override(team, team.erin.user, person_id=team.dana.pk)
    assert not Override.objects.exists()


def test_override_create_that_would_leave_nobody_on_call_is_refused(team):
    TimeOffFactory(person=team.bob, starts_on=dt.date(2026, 1, 8), ends_on=dt.date(2026, 1, 8))
    with pytest.raises(
        ValidationError, match=r"Bob Brown has time off on Thu Jan 8: .*nobody on call"
    ):
        _override(team, team.erin.user, ends_at=la(2026, 1, 8, 17))
    assert not Override.objects.exists()


def test_override_create_overlapping_another_is_refused_when_it_leaves_nobody(team):
    # Carol already covers Wednesday; Bob, away on Wednesday, cannot take over the overlap.
    _override(team, team.erin.user, person_id=team.carol.pk)
    TimeOffFactory(person=team.bob, starts_on=dt.date(2026, 1, 7), ends_on=dt.date(2026, 1, 7))
    with pytest.raises(ValidationError, match="nobody on call"):
        _override(team, team.erin.user, starts_at=la(2026, 1, 7, 12), ends_at=la(2026, 1, 9, 9))
    assert Override.objects.count() == 1


def test_override_create_that_changes_nothing_is_refused(team):
    with pytest.raises(ValidationError, match="Alice Adams is already on call"):
        _override(team, team.erin.user, person_id=team.alice.pk)


def test_override_cancel_restores_the_rotation_and_records_who(team):
    override = _override(team, team.alice.user)
    override_cancel(override_id=override.pk, actor=team.alice.user, now=NOW)
    override.refresh_from_db()
    assert (override.cancelled_by, override.cancelled_at) == (team.alice.user, NOW)
    assert oncall_person_now(at=la(2026, 1, 7, 12)) == team.alice


def test_override_cancel_by_someone_else_is_refused(team):
    override = _override(team, team.alice.user)
    with pytest.raises(PermissionDenied):
        override_cancel(override_id=override.pk, actor=team.bob.user, now=NOW)
    assert Override.objects.get().cancelled_at is None


def test_override_cancel_that_would_leave_nobody_on_call_is_refused(team):
    override = _override(team, team.erin.user)
    TimeOffFactory(person=team.alice, starts_on=dt.date(2026, 1, 7), ends_on=dt.date(2026, 1, 7))
    with pytest.raises(ValidationError, match="nobody on call"):
        override_cancel(override_id=override.pk, actor=team.erin.user, now=NOW)
    assert Override.objects.get().cancelled_at is None


# -- swaps ------------------------------------------------------------------------------------


def test_swap_create_trades_two_whole_shifts(team):
    swap = swap_create(
        rotation_id=team.rotation.pk,
        first_shift_starts_at=la(2026, 1, 12, 9),
        second_shift_starts_at=la(2026, 1, 19, 9),
        actor=team.bob.user,
        now=NOW,
    )
    assert (swap.first_person, swap.second_person, swap.created_by) == (
        team.bob,
        team.carol,
        team.bob.user,
    )
    assert oncall_person_now(at=la(2026, 1, 13, 12)) == team.carol
    assert oncall_person_now(at=la(2026, 1, 20, 12)) == team.bob
    assert oncall_person_now(at=la(2026, 1, 27, 12)) == team.alice
    assert Override.objects.filter(swap=swap).count() == 2


def test_swap_create_by_someone_not_on_either_shift_is_refused(team):
    with pytest.raises(PermissionDenied):
        swap_create(
            rotation_id=team.rotation.pk,
            first_shift_starts_at=la(2026, 1, 12, 9),
            second_shift_starts_at=la(2026, 1, 19, 9),
            actor=team.alice.user,
            now=NOW,
        )
    assert not Swap.objects.exists()


def test_swap_create_refuses_what_is_not_a_shift_start_or_already_started(team):
    with pytest.raises(ValidationError, match="not the start of a shift"):
        swap_create(
            rotation_id=team.rotation.pk,
            first_shift_starts_at=la(2026, 1, 12, 10),
            second_shift_starts_at=la(2026, 1, 19, 9),
            actor=team.erin.user,
            now=NOW,
        )
    with pytest.raises(ValidationError, match="started already"):
        swap_create(
            rotation_id=team.rotation.pk,
            first_shift_starts_at=la(2026, 1, 5, 9),
            second_shift_starts_at=la(2026, 1, 19, 9),
            actor=team.erin.user,
            now=NOW,
        )


def test_swap_create_refuses_a_trade_that_leaves_nobody_on_call(team):
    TimeOffFactory(person=team.carol, starts_on=dt.date(2026, 1, 14), ends_on=dt.date(2026, 1, 14))
    with pytest.raises(ValidationError, match="Carol Chen has time off on Wed Jan 14"):
        swap_create(
            rotation_id=team.rotation.pk,
            first_shift_starts_at=la(2026, 1, 12, 9),
            second_shift_starts_at=la(2026, 1, 19, 9),
            actor=team.erin.user,
            now=NOW,
        )
    assert not Swap.objects.exists()


# -- time off ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "erin", "staff"])
def test_time_off_create_by_the_person_their_em_or_staff(team, who):
    actor = team.staff if who == "staff" else getattr(team, who).user
    entry = time_off_create(
        person_id=team.alice.pk,
        starts_on=dt.date(2026, 2, 2),
        ends_on=dt.date(2026, 2, 6),
        note="Ski trip",
        actor=actor,
    )
    assert (entry.source, entry.created_by, entry.days) == ("manual", actor, 5)


@pytest.mark.parametrize("who", ["bob", "dana", "quinn"])
def test_time_off_create_for_someone_else_is_refused(team, who):
    with pytest.raises(PermissionDenied):
        time_off_create(
            person_id=team.alice.pk,
            starts_on=dt.date(2026, 2, 2),
            ends_on=dt.date(2026, 2, 6),
            actor=getattr(team, who).user,
            today=TODAY,
        )
    assert not TimeOff.objects.exists()


def test_time_off_create_refuses_backwards_and_overlapping_ranges(team):
    with pytest.raises(ValidationError, match=r"ends .* before it starts"):
        time_off_create(
            person_id=team.alice.pk,
            starts_on=dt.date(2026, 2, 6),
            ends_on=dt.date(2026, 2, 2),
            actor=team.alice.user,
        )
    TimeOffFactory(person=team.alice, starts_on=dt.date(2026, 2, 2), ends_on=dt.date(2026, 2, 4))
    with pytest.raises(ValidationError, match="already away Feb 2 – Feb 4"):  # noqa: RUF001
        time_off_create(
            person_id=team.alice.pk,
            starts_on=dt.date(2026, 2, 4),
            ends_on=dt.date(2026, 2, 5),
            actor=team.alice.user,
            today=TODAY,
        )
    assert TimeOff.objects.count() == 1


def test_time_off_create_refuses_dates_outside_the_rule(team):
    with pytest.raises(ValidationError) as refused:
        time_off_create(
            person_id=team.alice.pk,
            starts_on=dt.date(2019, 3, 4),
            ends_on=dt.date(2019, 3, 8),
            actor=team.alice.user,
            today=dt.date(2026, 12, 1),
        )
    assert "at most a year back" in refused.value.message_dict["starts_on"][0]
    with pytest.raises(ValidationError) as refused:
        time_off_create(
            person_id=team.alice.pk,
            starts_on=dt.date(2026, 12, 14),
            ends_on=dt.date(2036, 12, 14),
            actor=team.alice.user,
            today=dt.date(2026, 12, 1),
        )
    assert "183 days at most" in refused.value.message_dict["ends_on"][0]


def test_time_off_delete_by_someone_else_is_refused(team):
    entry = TimeOffFactory(person=team.alice)
    with pytest.raises(PermissionDenied):
        time_off_delete(time_off_id=entry.pk, actor=team.bob.user)
    time_off_delete(time_off_id=entry.pk, actor=team.erin.user)
    assert not TimeOff.objects.exists()


# -- feed tokens ------------------------------------------------------------------------------


def test_feed_token_rotate_retires_the_old_token(team):
    old = OncallProfileFactory(person=team.alice).feed_token
    assert feed_profile(token=old).person == team.alice
    new = feed_token_rotate(actor=team.alice.user).feed_token
    assert new != old
    assert feed_profile(token=old) is None
    assert feed_profile(token=new).person == team.alice


def test_feed_profile_refuses_malformed_and_inactive(team):
    profile = OncallProfileFactory(person=team.alice)
    assert feed_profile(token="nonsense") is None
    assert feed_profile(token=f"{profile.pk}.") is None
    assert feed_profile(token=f"{profile.pk}.{profile.feed_secret}x") is None
    team.alice.user.is_active = False
    team.alice.user.save()
    assert feed_profile(token=profile.feed_token) is None


# -- stale community issues -------------------------------------------------------------------


def _stale_issue():
    issue = mirror_issue(
        number=4242, title="Agent crashes", author_login="jdoe", created_at=la(2026, 1, 1)
    )
    mirror_comment(issue, at=la(2026, 1, 2, 10), login="alice")
    return issue


def test_stale_issue_close_comments_then_closes_dry_run_once(team):
    _stale_issue()
    now = la(2026, 1, 12, 12)
    result = stale_issue_close(number=4242, actor=team.erin.user, now=now)
    assert (result.comment.status, result.comment.action) == ("dry-run", "issue.comment")
    assert "welcome to re-open" in result.comment.payload["body"]
    assert "@jdoe" in result.comment.payload["body"]
    assert result.close.payload == {"state": "closed", "state_reason": "not_planned"}
    assert result.close.path == "/repos/fleetdm/fleet/issues/4242"
    again = stale_issue_close(number=4242, actor=team.staff, now=now)
    assert (again.comment.pk, again.close.pk) == (result.comment.pk, result.close.pk)
    assert GitHubWrite.objects.count() == 2
    [listed] = community_issues_stale(now=now)
    assert [w.action for w in listed.writes] == ["issue.comment", "issue.update"]


def test_stale_issue_close_by_the_person_on_call(team):
    _stale_issue()
    stale_issue_close(number=4242, actor=team.bob.user, now=la(2026, 1, 13, 12))  # Bob's week
    assert GitHubWrite.objects.count() == 2


def test_stale_issue_close_by_someone_not_on_call_is_refused(team):
    _stale_issue()
    with pytest.raises(PermissionDenied):
        stale_issue_close(number=4242, actor=team.carol.user, now=la(2026, 1, 13, 12))
    assert not GitHubWrite.objects.exists()


def test_stale_issue_close_of_an_issue_that_is_not_stale_is_refused(team):
    _stale_issue()
    with pytest.raises(ValidationError, match="not a stale community issue"):
        stale_issue_close(number=4242, actor=team.erin.user, now=la(2026, 1, 8, 12))
    assert not GitHubWrite.objects.exists()


# -- handoffs ---------------------------------------------------------------------------------


def test_handoff_record_once_per_change_of_guard(team):
    [handoff] = handoff_record(now=la(2026, 1, 12, 10))
    assert (handoff.outgoing, handoff.incoming) == (team.alice, team.bob)
    assert handoff.handoff_at == la(2026, 1, 12, 9)
    assert handoff.until == la(2026, 1, 19, 9)
    assert handoff.slack_status == "off"
    assert "Alice Adams hands over to Bob Brown" in handoff.text
    assert handoff_record(now=la(2026, 1, 12, 11)) == []
    assert OncallHandoff.objects.count() == 1


def test_handoff_record_counts_waiting_community_items(team):
    mirror_issue(created_at=la(2026, 1, 9, 16))
    [handoff] = handoff_record(now=la(2026, 1, 12, 10))
    assert handoff.summary["waiting"] == 1
    assert handoff.summary["overdue"] == 1  # Friday 16:00-17:00 and Monday 9:00-10:00
    assert "waiting for a first response: 1 (1 past the 1-business-hour SLA)" in handoff.text


def test_handoff_record_posts_to_slack(team, httpserver, settings):
    settings.SLACK_WEBHOOK_URL = httpserver.url_for("/services/T000/B000/secret")
    httpserver.expect_oneshot_request(
        "/services/T000/B000/secret", method="POST"
    ).respond_with_data("ok")
    [handoff] = handoff_record(now=la(2026, 1, 12, 10))
    assert handoff.slack_status == "sent"
    body = httpserver.log[0][0].get_json()
    assert body["text"].startswith(
        "Changing of the guard, Developer on-call: Alice Adams hands over"
    )
    handoff_announce(handoff_id=handoff.pk)  # already sent: nothing more
    assert len(httpserver.log) == 1


def test_handoff_record_slack_failure_is_recorded_not_raised(team, httpserver, settings):
    settings.SLACK_WEBHOOK_URL = httpserver.url_for("/services/T000/B000/secret")
    httpserver.expect_request("/services/T000/B000/secret").respond_with_data(
        "no_service", status=404
    )
    [handoff] = handoff_record(now=la(2026, 1, 12, 10))
    assert handoff.slack_status == "failed"
    assert handoff.slack_error == "Slack answered HTTP 404: no_service"
    assert "secret" not in handoff.slack_error


def test_handoff_record_slack_unreachable_is_recorded(team, settings):
    settings.SLACK_WEBHOOK_URL = "http://127.0.0.1:9/services/secret"
    [handoff] = handoff_record(now=la(2026, 1, 12, 10))
    assert (handoff.slack_status, handoff.slack_error) == ("failed", "Could not connect to Slack.")


def test_handoff_is_claimed_before_slack_is_called_and_not_posted_again(
    team, monkeypatch, settings
):
    settings.SLACK_WEBHOOK_URL = "http://127.0.0.1:9/services/secret"
    seen = []

    def post(text, *, purpose="releases"):
        handoff = OncallHandoff.objects.get()
        seen.append((handoff.slack_status, handoff.slack_error))
        return ""

    monkeypatch.setattr("oncall.schedule.handoffs.slack_post", post)
    [handoff] = handoff_record(now=la(2026, 1, 12, 10))
    OncallHandoff.objects.filter(pk=handoff.pk).update(slack_status="pending")
    assert handoff.slack_status == "sent"
    assert seen == [("failed", INTERRUPTED)]  # a crash mid-post is never counted as sent
    handoff_announce(handoff_id=handoff.pk)  # pending again: one more post, never two at once
    assert len(seen) == 2
    handoff_announce(handoff_id=handoff.pk)
    assert len(seen) == 2


# -- time off from a calendar -----------------------------------------------------------------

CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:ski@example.com
DTSTAMP:20260101T000000Z
DTSTART;VALUE=DATE:20260202
DTEND;VALUE=DATE:20260207
SUMMARY:Ski trip
END:VEVENT
BEGIN:VEVENT
UID:dentist@example.com
DTSTAMP:20260101T000000Z
DTSTART:20260210T170000Z
DTEND:20260210T180000Z
SUMMARY:Dentist
END:VEVENT
END:VCALENDAR
"""


@pytest.fixture
def calendar_profile(team, httpserver, settings):
    settings.ONCALL_ICS_ALLOW_PRIVATE_HOSTS = True  # the test server is on loopback
    return OncallProfileFactory(person=team.alice, ics_url=httpserver.url_for("/alice.ics"))


def test_time_off_import_adds_the_calendars_absences(team, httpserver, calendar_profile):
    httpserver.expect_request("/alice.ics").respond_with_data(
        CALENDAR, content_type="text/calendar"
    )
    result = time_off_import(person_id=team.alice.pk, today=dt.date(2026, 1, 20))
    assert result.ok, result.message
    assert result.message == "Imported 1 absence (5 days) from localhost."
    [entry] = TimeOff.objects.all()
    assert (entry.starts_on, entry.ends_on, entry.note, entry.source) == (
        dt.date(2026, 2, 2),
        dt.date(2026, 2, 6),
        "Ski trip",
        "ics",
    )
    calendar_profile.refresh_from_db()
    assert calendar_profile.ics_status == "ok"
    # Twice: replaced, not duplicated.
    time_off_import(person_id=team.alice.pk, today=dt.date(2026, 1, 20))
    assert TimeOff.objects.count() == 1


def test_time_off_import_malformed_names_the_line_and_keeps_what_was_there(
    team, httpserver, calendar_profile
):
    manual = TimeOffFactory(
        person=team.alice, starts_on=dt.date(2026, 3, 2), ends_on=dt.date(2026, 3, 2)
    )
    httpserver.expect_request("/alice.ics").respond_with_data(
        CALENDAR, content_type="text/calendar"
    )
    time_off_import(person_id=team.alice.pk, today=dt.date(2026, 1, 20))
    broken = CALENDAR.replace("DTSTART;VALUE=DATE:20260202", "DTSTART;VALUE=DATE:2026022")
    httpserver.clear()
    httpserver.expect_request("/alice.ics").respond_with_data(broken, content_type="text/calendar")
    result = time_off_import(person_id=team.alice.pk, today=dt.date(2026, 1, 20))
    assert not result.ok
    assert "Line 7: DTSTART “2026022” is not a date" in result.message
    assert "the time off entered before is kept" in result.message
    assert TimeOff.objects.filter(source="ics").count() == 1
    assert TimeOff.objects.filter(pk=manual.pk).exists()
    calendar_profile.refresh_from_db()
    assert (calendar_profile.ics_status, calendar_profile.ics_message) == ("error", result.message)


def test_time_off_import_unreachable_says_why(team, httpserver, calendar_profile):
    httpserver.expect_request("/alice.ics").respond_with_data("gone", status=404)
    result = time_off_import(person_id=team.alice.pk, today=dt.date(2026, 1, 20))
    assert not result.ok
    assert "localhost answered HTTP 404" in result.message
    OncallProfile.objects.filter(pk=calendar_profile.pk).update(ics_url="http://127.0.0.1:9/x.ics")
    result = time_off_import(person_id=team.alice.pk, today=dt.date(2026, 1, 20))
    assert "Could not connect to 127.0.0.1." in result.message


def test_time_off_import_refuses_private_addresses_by_default(team, settings):
    settings.ONCALL_ICS_ALLOW_PRIVATE_HOSTS = False
    OncallProfileFactory(person=team.alice, ics_url="http://127.0.0.1:9/alice.ics")
    result = time_off_import(person_id=team.alice.pk, today=dt.date(2026, 1, 20))
    assert "127.0.0.1 is a private network address" in result.message


def test_time_off_import_without_url(team):
    assert time_off_import(person_id=team.alice.pk).message == "No calendar URL is set."


def test_stale_comment_never_names_anyone_but_the_author(team):
    _stale_issue()
    result = stale_issue_close(number=4242, actor=UserFactory(is_staff=True), now=la(2026, 1, 12))
    assert result.comment.payload["body"].count("@") == 1
