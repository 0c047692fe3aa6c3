"""Notifications: the services (notify, read, modes, daily digest) and the inbox pages."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from kooperacja.core.models import Notification, NotificationMode
from kooperacja.core.notifications import (
    DIGEST_MAX_ITEMS,
    email_notification,
    mark_all_read,
    mark_read,
    notify,
    retelling_history,
    send_daily_digests,
    set_notification_mode,
)

WARSAW = ZoneInfo("Europe/Warsaw")
SITE = "https://kooperacja.example.gov.pl"
TITLE = "Nowe skierowanie do Twojej instytucji"
# What every signed-in page costs before its own work: session, user, two 2FA device checks,
# memberships, the unread notification count, and saving the session (savepoint, update, release).
SHELL_QUERIES = 9


def make_user(username: str, *, mode: str = NotificationMode.IMMEDIATE, email: str | None = None):
    return get_user_model().objects.create_user(
        username,
        email=f"{username}@example.org" if email is None else email,
        password="x",
        notification_mode=mode,
    )


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2025, 3, day, hour, minute, tzinfo=WARSAW)


def add_notification(
    user, title: str = TITLE, *, url: str = "/referrals/", created_at: dt.datetime | None = None, **fields
) -> Notification:
    """A notification as the inbox holds it, without the e-mail that notify() would queue."""
    return Notification.objects.create(
        recipient=user, kind="referral", title=title, url=url, created_at=created_at or timezone.now(), **fields
    )


# --- notify ---------------------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(SITE_URL=SITE)
def test_it_puts_a_notification_in_the_inbox_and_emails_it_at_once():
    user = make_user("n.immediate")

    notification = notify(user, kind="referral", title=TITLE, url="/referrals/7/")

    assert list(Notification.objects.for_user(user)) == [notification]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["n.immediate@example.org"]
    assert TITLE in message.subject
    assert f"{SITE}/referrals/7/" in message.body
    notification.refresh_from_db()
    assert notification.emailed_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mode", "email"),
    [(NotificationMode.DAILY, None), (NotificationMode.OFF, None), (NotificationMode.IMMEDIATE, "")],
)
def test_it_emails_nothing_at_once_to_those_who_chose_otherwise_or_have_no_address(mode, email):
    user = make_user("n.quiet", mode=mode, email=email)

    notify(user, kind="referral", title=TITLE, url="/referrals/7/")

    assert Notification.objects.for_user(user).count() == 1
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("title", "url"),
    [
        ("", "/referrals/"),
        ("   ", "/referrals/"),
        ("x" * 201, "/referrals/"),
        (TITLE, "https://elsewhere.example/"),
        (TITLE, "//elsewhere.example/"),
        (TITLE, "referrals/"),
    ],
)
def test_it_refuses_a_notification_without_title_or_with_a_foreign_link(title, url):
    user = make_user("n.bad")

    with pytest.raises(ValueError):
        notify(user, kind="referral", title=title, url=url)

    assert not Notification.objects.filter(recipient=user).exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_it_puts_retold_history_in_the_inbox_without_email():
    user = make_user("n.history")

    with retelling_history():
        notify(user, kind="referral", title=TITLE, url="")

    assert Notification.objects.filter(recipient=user).count() == 1
    assert mail.outbox == []


@pytest.mark.django_db
def test_it_leaves_out_the_email_when_the_caller_sends_its_own():
    user = make_user("n.invited")

    notify(user, kind="meeting", title=TITLE, url="", email=False)

    assert Notification.objects.filter(recipient=user).count() == 1
    assert mail.outbox == []


@pytest.mark.django_db
def test_it_emails_a_notification_only_once_and_not_after_it_was_read():
    user = make_user("n.once")
    notification = notify(user, kind="referral", title=TITLE, url="")

    assert email_notification(notification.pk) == "skipped: already e-mailed"
    unread_later = add_notification(user)
    mark_read(user, unread_later)
    assert email_notification(unread_later.pk) == "skipped: already read"
    assert email_notification(10**9) == "skipped: the notification is gone"
    assert len(mail.outbox) == 1


# --- reading and modes -------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_marks_one_or_all_notifications_read():
    user = make_user("n.reader", mode=NotificationMode.OFF)
    first, *_others = (add_notification(user) for _ in range(3))

    assert mark_read(user, first) is True
    assert mark_read(user, first) is False
    assert mark_all_read(user) == 2
    assert mark_all_read(user) == 0
    assert not Notification.objects.for_user(user).unread().exists()


@pytest.mark.django_db
def test_it_refuses_to_mark_someone_elses_notification():
    owner, other = make_user("n.owner"), make_user("n.other")
    notification = add_notification(owner)

    with pytest.raises(PermissionDenied):
        mark_read(other, notification)

    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.django_db
def test_it_changes_the_mode_only_to_a_known_one():
    user = make_user("n.mode")

    set_notification_mode(user, NotificationMode.DAILY)
    with pytest.raises(ValueError):
        set_notification_mode(user, "hourly")

    user.refresh_from_db()
    assert user.notification_mode == NotificationMode.DAILY


# --- daily digest ----------------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(SITE_URL=SITE)
def test_it_sends_one_digest_of_new_unread_notifications():
    user = make_user("n.daily", mode=NotificationMode.DAILY)
    add_notification(user, "Nowe skierowanie do Twojej instytucji", created_at=at(10, 14))
    add_notification(user, "Nowe spotkanie zespołu", created_at=at(10, 16))
    add_notification(user, "Przeczytane", created_at=at(10, 9), read_at=at(10, 10))
    add_notification(user, "Już wysłane", created_at=at(10, 9), emailed_at=at(10, 9))

    assert send_daily_digests(now=at(11, 7)) == 1

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["n.daily@example.org"]
    assert "2" in message.subject
    assert "Nowe skierowanie do Twojej instytucji" in message.body
    assert "Nowe spotkanie zespołu" in message.body
    assert "Przeczytane" not in message.body
    assert "Już wysłane" not in message.body
    assert f"{SITE}/referrals/" in message.body
    user.refresh_from_db()
    assert user.last_digest_at == at(11, 7)
    assert Notification.objects.for_user(user).filter(emailed_at=at(11, 7)).count() == 2


@pytest.mark.django_db
def test_it_sends_no_digest_twice_the_same_day():
    user = make_user("n.twice", mode=NotificationMode.DAILY)
    add_notification(user, created_at=at(10, 14))
    send_daily_digests(now=at(11, 7))
    add_notification(user, "Nowe spotkanie zespołu", created_at=at(11, 9))

    assert send_daily_digests(now=at(11, 7)) == 0
    assert send_daily_digests(now=at(11, 18)) == 0
    assert len(mail.outbox) == 1

    assert send_daily_digests(now=at(12, 7)) == 1
    assert len(mail.outbox) == 2
    assert "Nowe spotkanie zespołu" in mail.outbox[1].body
    assert TITLE not in mail.outbox[1].body


@pytest.mark.django_db
def test_it_sends_digests_only_to_daily_users_with_an_address_and_news():
    for mode in (NotificationMode.IMMEDIATE, NotificationMode.OFF):
        add_notification(make_user(f"n.{mode}", mode=mode), created_at=at(10, 14))
    add_notification(make_user("n.noaddress", mode=NotificationMode.DAILY, email=""), created_at=at(10, 14))
    make_user("n.nothing", mode=NotificationMode.DAILY)
    inactive = make_user("n.inactive", mode=NotificationMode.DAILY)
    inactive.is_active = False
    inactive.save()
    add_notification(inactive, created_at=at(10, 14))

    assert send_daily_digests(now=at(11, 7)) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_it_lists_a_long_digest_in_part_and_points_to_the_inbox():
    user = make_user("n.busy", mode=NotificationMode.DAILY)
    for number in range(DIGEST_MAX_ITEMS + 3):
        add_notification(user, f"Powiadomienie {number}", created_at=at(10, 8) + dt.timedelta(minutes=number))

    send_daily_digests(now=at(11, 7))

    body = mail.outbox[0].body
    assert f"Powiadomienie {DIGEST_MAX_ITEMS + 2}" in body
    assert "Powiadomienie 2\n" not in body
    assert "3" in body and reverse("core:notifications") in body
    assert not Notification.objects.for_user(user).filter(emailed_at__isnull=True).exists()


# --- inbox pages ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_sign_in(client):
    for name in ("core:notifications", "core:notification_preferences"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_it_shows_own_notifications_newest_first_with_unread_marked(client):
    user = make_user("n.inbox")
    add_notification(user, "Starsze", created_at=at(10, 8), read_at=at(10, 9))
    add_notification(user, "Nowsze", created_at=at(10, 12))
    add_notification(make_user("n.stranger"), "Cudze", created_at=at(10, 13))
    client.force_login(user)

    response = client.get(reverse("core:notifications"))

    assert response.status_code == 200
    assert [n.title for n in response.context["page_obj"]] == ["Nowsze", "Starsze"]
    page = response.content.decode()
    assert "Cudze" not in page
    assert page.count("notification-unread") == 1
    assert response.context["unread_count"] == 1


@pytest.mark.django_db
def test_it_pages_the_inbox_by_25(client):
    user = make_user("n.many")
    for number in range(30):
        add_notification(user, f"Powiadomienie {number}")
    client.force_login(user)

    assert len(client.get(reverse("core:notifications")).context["page_obj"].object_list) == 25
    assert len(client.get(reverse("core:notifications"), {"page": 2}).context["page_obj"].object_list) == 5


@pytest.mark.django_db
def test_it_marks_a_notification_read_and_opens_its_link(client):
    user = make_user("n.open")
    notification = add_notification(user, url="/referrals/7/")
    client.force_login(user)

    response = client.post(reverse("core:notification_read", args=[notification.public_id]))

    assert response.status_code == 302
    assert response["Location"] == "/referrals/7/"
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["", "https://elsewhere.example/", "//elsewhere.example/x", "/\\elsewhere.example"])
def test_it_never_redirects_away_from_the_platform(client, url):
    user = make_user("n.redirect")
    notification = add_notification(user, url=url)
    client.force_login(user)

    response = client.post(reverse("core:notification_read", args=[notification.public_id]))

    assert response["Location"] == reverse("core:notifications")


@pytest.mark.django_db
def test_it_hides_someone_elses_notification(client):
    notification = add_notification(make_user("n.owner"))
    client.force_login(make_user("n.snoop"))

    response = client.post(reverse("core:notification_read", args=[notification.public_id]))

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.django_db
def test_it_refuses_wrong_methods(client):
    user = make_user("n.methods")
    notification = add_notification(user)
    client.force_login(user)

    assert client.get(reverse("core:notification_read", args=[notification.public_id])).status_code == 405
    assert client.get(reverse("core:notifications_read_all")).status_code == 405
    assert client.post(reverse("core:notifications")).status_code == 405
    assert client.put(reverse("core:notification_preferences")).status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.django_db
def test_it_marks_all_read_and_says_how_many(client):
    user = make_user("n.all")
    for _ in range(3):
        add_notification(user)
    client.force_login(user)

    response = client.post(reverse("core:notifications_read_all"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("core:notifications")
    [message] = response.context["messages"]
    assert message.level_tag == "success"
    assert "3" in str(message)
    assert not Notification.objects.for_user(user).unread().exists()


@pytest.mark.django_db
def test_it_offers_the_three_modes_and_saves_the_choice(client):
    user = make_user("n.prefs")
    client.force_login(user)

    page = client.get(reverse("core:notification_preferences"))
    html = page.content.decode()
    assert html.count('type="radio"') == 3
    for mode in NotificationMode.values:
        assert f'value="{mode}"' in html
    assert re.search(r'value="immediate"[^>]*checked', html)

    response = client.post(reverse("core:notification_preferences"), {"mode": "daily"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("core:notification_preferences")
    [message] = response.context["messages"]
    assert message.level_tag == "success"
    user.refresh_from_db()
    assert user.notification_mode == NotificationMode.DAILY


@pytest.mark.django_db
@pytest.mark.parametrize("data", [{}, {"mode": "hourly"}])
def test_it_explains_a_bad_choice_and_changes_nothing(client, data):
    user = make_user("n.badprefs")
    client.force_login(user)

    response = client.post(reverse("core:notification_preferences"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["mode"]
    user.refresh_from_db()
    assert user.notification_mode == NotificationMode.IMMEDIATE


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 80])
def test_it_shows_the_inbox_with_a_fixed_number_of_queries(client, django_assert_max_num_queries, count):
    user = make_user("n.queries")
    for number in range(count):
        add_notification(user, f"Powiadomienie {number}", read_at=timezone.now() if number % 2 else None)
    client.force_login(user)

    # The page itself: the page's count, its rows, the unread count.
    with django_assert_max_num_queries(SHELL_QUERIES + 3):
        response = client.get(reverse("core:notifications"))
    assert response.status_code == 200
