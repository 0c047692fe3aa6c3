"""Team pages: the list, founding a team, the overview, settings, members and documents; who
may see and do what; bad input; query counts; the conflict page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext, ngettext, override

from kooperacja.teams import services
from kooperacja.teams.models import MeetingKind, MeetingStatus, Team, TeamDocument, TeamMember, TeamRole
from kooperacja.teams.tests.factories import MIRZEC, institution_of, make_meeting, make_task, make_team, user

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TODAY = timezone.localdate


def query_count(client, url: str) -> int:
    """How many queries the page asks, once its caches are warm."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries.captured_queries)


def said(response, message: str) -> bool:
    """Whether the page shows the message (in Polish once translated, else in English)."""
    with override("pl"):
        return escape(gettext(message)) in response.content.decode()


# --- The list ----------------------------------------------------------------------------------


def test_it_lists_the_teams_of_the_users_institutions_only(client, login_as):
    team = make_team(name="Zespół widoczny")
    login_as("gops.mirzec")
    assert team.name in client.get(reverse("teams:list")).content.decode()
    login_as("gops.oksa")
    assert team.name not in client.get(reverse("teams:list")).content.decode()


def test_it_refuses_the_list_to_regional_analysts(client, login_as):
    login_as("rops.kielce")
    assert client.get(reverse("teams:list")).status_code == 403


def test_it_lists_teams_in_a_fixed_number_of_queries(client, login_as, django_assert_num_queries):
    make_team()
    login_as("gops.mirzec")
    few = query_count(client, reverse("teams:list"))
    for _ in range(3):
        make_team()
    with django_assert_num_queries(few):
        client.get(reverse("teams:list"))


# --- Founding a team ---------------------------------------------------------------------------


def test_it_lets_the_manager_found_a_team_and_sends_them_to_its_members(client, login_as):
    login_as("lider.mirzec")
    assert client.get(reverse("teams:create")).status_code == 200
    response = client.post(
        reverse("teams:create"), {"municipality": MIRZEC, "name": "G-PZK Mirzec 2", "purpose": "Seniorzy"}
    )
    team = Team.objects.get(name="G-PZK Mirzec 2")
    assert response.status_code == 302
    assert response["Location"] == reverse("teams:members", args=[team.public_id])


def test_it_refuses_a_duplicate_team_name_with_a_clear_message(client, login_as):
    make_team(name="G-PZK Mirzec testowy")
    login_as("lider.mirzec")
    response = client.post(reverse("teams:create"), {"municipality": MIRZEC, "name": "G-PZK Mirzec testowy"})
    assert response.status_code == 400
    assert said(response, "This gmina already has a team of this name. Choose another name.")
    assert Team.objects.filter(name="G-PZK Mirzec testowy").count() == 1


def test_it_refuses_founding_to_those_who_may_not(client, login_as):
    login_as("szkola.mirzec")
    assert client.get(reverse("teams:create")).status_code == 403
    assert client.post(reverse("teams:create"), {"municipality": MIRZEC, "name": "X"}).status_code == 403


# --- The overview ------------------------------------------------------------------------------


def test_it_shows_the_purpose_members_next_meetings_and_task_counts(client, login_as):
    team = make_team(purpose="Aktywizacja osób starszych")
    make_meeting(team, title="Warsztat wiosenny")
    make_meeting(team, title="Spotkanie odwołane", status=MeetingStatus.CANCELLED)
    make_task(team)
    make_task(team, due_on=TODAY() - dt.timedelta(days=3))
    login_as("policja.mirzec")
    page = client.get(reverse("teams:detail", args=[team.public_id])).content.decode()
    assert "Aktywizacja osób starszych" in page
    assert "Warsztat wiosenny" in page
    assert "Spotkanie odwołane" not in page
    assert institution_of("szkola.mirzec").name in page
    assert reverse("teams:members", args=[team.public_id]) in page  # the tabs
    with override("pl"):
        assert escape(ngettext("%(counter)s open task", "%(counter)s open tasks", 2) % {"counter": 2}) in page
        assert escape(ngettext("%(counter)s overdue", "%(counter)s overdue", 1) % {"counter": 1}) in page


def test_it_hides_a_team_from_other_gminas(client, login_as):
    team = make_team()
    login_as("gops.oksa")
    assert client.get(reverse("teams:detail", args=[team.public_id])).status_code == 404


# --- Settings ----------------------------------------------------------------------------------


def _edit_form(team, **overrides):
    data = {"name": team.name, "purpose": "Nowy cel", "founded_on": "", "is_active": "on", "version": team.version}
    data.update(overrides)
    return data


def test_it_saves_the_settings_of_a_team(client, login_as):
    team = make_team()
    login_as("pcpr.starachowice")
    response = client.post(reverse("teams:edit", args=[team.public_id]), _edit_form(team))
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.purpose == "Nowy cel"


def test_it_answers_a_stale_edit_with_the_conflict_box(client, login_as):
    team = make_team(purpose="Pierwszy")
    login_as("lider.mirzec")
    stale = _edit_form(team, purpose="Mój cel")
    client.post(reverse("teams:edit", args=[team.public_id]), _edit_form(team, purpose="Cudzy cel"))
    response = client.post(reverse("teams:edit", args=[team.public_id]), stale)
    assert response.status_code == 409
    assert "Cudzy cel" in response.content.decode()
    team.refresh_from_db()
    assert team.purpose == "Cudzy cel"


def test_it_forbids_members_to_change_the_team(client, login_as):
    team = make_team()
    login_as("szkola.mirzec")
    assert client.post(reverse("teams:edit", args=[team.public_id]), _edit_form(team)).status_code == 403


# --- Members -----------------------------------------------------------------------------------


def test_it_adds_a_member(client, login_as):
    team = make_team(members=())
    login_as("lider.mirzec")
    response = client.post(
        reverse("teams:members", args=[team.public_id]),
        {
            "institution": institution_of("policja.mirzec").public_id,
            "user": user("policja.mirzec").public_id,
            "role": "member",
        },
    )
    assert response.status_code == 302
    assert TeamMember.objects.filter(team=team, user=user("policja.mirzec")).exists()


def test_it_refuses_a_representative_from_another_institution(client, login_as):
    team = make_team(members=())
    login_as("lider.mirzec")
    response = client.post(
        reverse("teams:members", args=[team.public_id]),
        {
            "institution": institution_of("policja.mirzec").public_id,
            "user": user("szkola.mirzec").public_id,
            "role": "member",
        },
    )
    assert response.status_code == 400
    assert "Ewa Michalska" in response.content.decode()
    assert not TeamMember.objects.filter(team=team, user=user("szkola.mirzec")).exists()


def test_it_refuses_a_duplicate_member(client, login_as):
    team = make_team()
    login_as("lider.mirzec")
    response = client.post(
        reverse("teams:members", args=[team.public_id]),
        {
            "institution": institution_of("szkola.mirzec").public_id,
            "user": user("szkola.mirzec").public_id,
            "role": "member",
        },
    )
    assert response.status_code == 400
    assert said(response, "This person is already a member of the team.")


def test_it_shows_the_members_and_their_history(client, login_as):
    team = make_team()
    member = TeamMember.objects.get(team=team, user=user("policja.mirzec"))
    member.left_on = TODAY()
    member.save()
    login_as("szkola.mirzec")
    response = client.get(reverse("teams:members", args=[team.public_id]))
    page = response.content.decode()
    assert said(response, "Membership history")
    assert TODAY().strftime("%d.%m.%Y") in page
    # A member does not run the team: no add form.
    assert 'name="institution"' not in page


def test_it_lists_members_in_a_fixed_number_of_queries(client, login_as, django_assert_num_queries):
    team = make_team(members=())
    login_as("lider.mirzec")
    url = reverse("teams:members", args=[team.public_id])
    few = query_count(client, url)
    for username in ("policja.mirzec", "szkola.mirzec", "gops.mirzec"):
        TeamMember.objects.create(team=team, institution=institution_of(username), user=user(username))
    with django_assert_num_queries(few):
        client.get(url)


def test_it_changes_a_role_and_goes_back_to_the_members_row(client, login_as):
    team = make_team()
    member = TeamMember.objects.get(team=team, user=user("szkola.mirzec"))
    url = reverse("teams:member_change", args=[team.public_id, member.public_id])
    login_as("lider.mirzec")
    page = client.get(url).content.decode()
    assert reverse("teams:member_leave", args=[team.public_id, member.public_id]) in page
    response = client.post(url, {"role": "animator"})
    assert response["Location"] == reverse("teams:members", args=[team.public_id]) + f"#member-{member.public_id}"
    member.refresh_from_db()
    assert member.role == TeamRole.ANIMATOR


def test_the_member_page_no_longer_ends_a_membership_in_one_click(client, login_as):
    team = make_team()
    member = TeamMember.objects.get(team=team, user=user("szkola.mirzec"))
    login_as("lider.mirzec")
    response = client.post(
        reverse("teams:member_change", args=[team.public_id, member.public_id]),
        {"action": "leave", "left_on": TODAY().isoformat()},
    )
    assert response.status_code == 400
    member.refresh_from_db()
    assert member.left_on is None


def test_ending_a_membership_asks_first_and_says_what_happens(client, login_as):
    team = make_team()
    member = TeamMember.objects.get(team=team, user=user("szkola.mirzec"))
    url = reverse("teams:member_leave", args=[team.public_id, member.public_id])
    login_as("lider.mirzec")
    response = client.get(url)
    assert response.status_code == 200
    assert said(response, "End the membership?")
    assert said(response, "Yes, end the membership")
    assert 'name="left_on"' in response.content.decode()
    member.refresh_from_db()
    assert member.left_on is None

    response = client.post(url, {"left_on": TODAY().isoformat()})
    assert response["Location"] == reverse("teams:members", args=[team.public_id]) + f"#member-{member.public_id}"
    member.refresh_from_db()
    assert member.left_on == TODAY()


def test_it_refuses_leaving_before_joining(client, login_as):
    team = make_team()
    member = TeamMember.objects.get(team=team, user=user("szkola.mirzec"))
    login_as("lider.mirzec")
    before = (member.joined_on - dt.timedelta(days=1)).isoformat()
    response = client.post(reverse("teams:member_leave", args=[team.public_id, member.public_id]), {"left_on": before})
    assert response.status_code == 400
    assert member.joined_on.strftime("%d.%m.%Y") in response.content.decode()
    member.refresh_from_db()
    assert member.left_on is None


def test_a_named_member_leaves_the_team_from_the_members_page(client, login_as):
    team = make_team()
    mine = TeamMember.objects.get(team=team, user=user("szkola.mirzec"))
    police = TeamMember.objects.get(team=team, user=user("policja.mirzec"))
    leave = reverse("teams:member_leave", args=[team.public_id, mine.public_id])
    login_as("szkola.mirzec")
    page = client.get(reverse("teams:members", args=[team.public_id])).content.decode()
    assert leave in page
    assert reverse("teams:member_leave", args=[team.public_id, police.public_id]) not in page
    assert f'href="{reverse("teams:member_change", args=[team.public_id, mine.public_id])}"' not in page

    confirm = client.get(leave)
    assert said(confirm, "Leave the team?")
    assert said(confirm, "Yes, leave the team")
    response = client.post(leave, {"left_on": ""})
    mine.refresh_from_db()
    assert mine.left_on == TODAY()
    # The school is a member only through its head teacher: she no longer sees the team.
    assert response["Location"] == reverse("teams:list") + "#main"


def test_a_member_may_not_end_someone_else_s_membership(client, login_as):
    team = make_team()
    police = TeamMember.objects.get(team=team, user=user("policja.mirzec"))
    login_as("szkola.mirzec")
    url = reverse("teams:member_leave", args=[team.public_id, police.public_id])
    assert client.get(url).status_code == 403
    assert client.post(url, {"left_on": ""}).status_code == 403
    police.refresh_from_db()
    assert police.left_on is None


def test_the_action_links_name_their_row_for_screen_readers_without_a_stray_space(client, login_as):
    team = make_team()
    login_as("lider.mirzec")
    response = client.get(reverse("teams:members", args=[team.public_id]))
    page = response.content.decode()
    with override("pl"):
        action = escape(gettext("Change role or end membership"))
    school = escape(institution_of("szkola.mirzec").name)
    assert f'aria-label="{action}: {school}, Ewa Michalska"' in page
    assert f"{action} :" not in page


def test_a_member_added_is_shown_in_its_row_not_at_the_error_box(client, login_as):
    team = make_team(members=())
    login_as("lider.mirzec")
    response = client.post(
        reverse("teams:members", args=[team.public_id]),
        {"institution": institution_of("policja.mirzec").public_id, "role": "member"},
    )
    added = TeamMember.objects.get(team=team, institution=institution_of("policja.mirzec"))
    assert response["Location"] == reverse("teams:members", args=[team.public_id]) + f"#member-{added.public_id}"
    page = client.get(response["Location"]).content.decode()
    assert f'id="member-{added.public_id}"' in page


def test_it_answers_404_for_a_member_of_another_team(client, login_as):
    team, other = make_team(), make_team()
    stranger = TeamMember.objects.filter(team=other).earliest("id")
    login_as("lider.mirzec")
    assert client.get(reverse("teams:member_change", args=[team.public_id, stranger.public_id])).status_code == 404


# --- Documents ---------------------------------------------------------------------------------


def test_it_uploads_lists_and_downloads_a_document(client, login_as):
    team = make_team()
    login_as("lider.mirzec")
    response = client.post(
        reverse("teams:documents", args=[team.public_id]),
        {"title": "Regulamin zespołu", "file": SimpleUploadedFile("regulamin.pdf", PDF_BYTES)},
    )
    document = TeamDocument.objects.get(team=team)
    # To the new row, not back to the form's error box (#document-errors).
    assert response["Location"] == reverse("teams:documents", args=[team.public_id]) + f"#document-{document.public_id}"
    login_as("szkola.mirzec")
    assert "Regulamin zespołu" in client.get(reverse("teams:documents", args=[team.public_id])).content.decode()
    download = client.get(reverse("teams:document", args=[document.public_id]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert download["Cache-Control"] == "private, no-store"


def test_it_refuses_a_file_that_is_not_a_document(client, login_as):
    team = make_team()
    login_as("lider.mirzec")
    response = client.post(
        reverse("teams:documents", args=[team.public_id]),
        {"title": "Program", "file": SimpleUploadedFile("program.exe", b"MZ\x90\x00binary")},
    )
    assert response.status_code == 400
    assert not TeamDocument.objects.filter(team=team).exists()


def test_it_keeps_documents_from_other_gminas_and_uploads_from_members(client, login_as):
    team = make_team()
    login_as("szkola.mirzec")
    upload = {"title": "X", "file": SimpleUploadedFile("x.pdf", PDF_BYTES)}
    assert client.post(reverse("teams:documents", args=[team.public_id]), upload).status_code == 403
    document = services.add_document(
        user("lider.mirzec"), team, SimpleUploadedFile("x.pdf", PDF_BYTES), title="Wewnętrzny"
    )
    login_as("gops.oksa")
    assert client.get(reverse("teams:document", args=[document.public_id])).status_code == 404


def test_it_lists_documents_in_a_fixed_number_of_queries(client, login_as, django_assert_num_queries):
    team = make_team()
    url = reverse("teams:documents", args=[team.public_id])
    services.add_document(user("lider.mirzec"), team, SimpleUploadedFile("a.pdf", PDF_BYTES), title="A")
    login_as("lider.mirzec")
    few = query_count(client, url)
    meeting = make_meeting(team)
    for title in ("B", "C", "D"):
        services.add_document(
            user("lider.mirzec"), team, SimpleUploadedFile("b.pdf", PDF_BYTES), title=title, meeting=meeting
        )
    with django_assert_num_queries(few):
        client.get(url)


def test_the_overview_lists_a_case_conference_without_its_own_title(client, login_as):
    team = make_team()
    make_meeting(team, title="Narada o rodzinie Kowalskich", kind=MeetingKind.CASE_CONFERENCE)
    login_as("policja.mirzec")

    page = client.get(reverse("teams:detail", args=[team.public_id])).content.decode()

    assert "Kowalskich" not in page
    with override("pl"):
        assert escape(gettext("Case conference")) in page


def test_the_list_counts_only_current_members(client, login_as):
    team = make_team()
    TeamMember.objects.filter(team=team, user=user("szkola.mirzec")).update(left_on=TODAY())

    (counted,) = Team.objects.with_member_count().filter(pk=team.pk)
    assert getattr(counted, "member_count") == 3  # noqa: B009 (an annotation the types do not know)
