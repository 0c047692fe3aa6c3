"""E-mail from templates: rendered by the worker in the recipient's language, HTML and text."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.test import override_settings
from django_q.models import OrmQ, Task

from kooperacja.core.crypto import unseal
from kooperacja.core.email import EmailContextError, absolute_url, send_templated_email

SITE = "https://kooperacja.example.gov.pl"


def html_of(message: object) -> str:
    assert isinstance(message, EmailMultiAlternatives)
    content, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    return str(content)


def notification_context(title: str = "Nowe skierowanie do Twojej instytucji") -> dict[str, str]:
    return {
        "title": title,
        "link": f"{SITE}/referrals/1/",
        "preferences": f"{SITE}/notifications/preferences/",
    }


@pytest.mark.django_db
@override_settings(DEFAULT_FROM_EMAIL="Kooperacja <powiadomienia@example.gov.pl>")
def test_it_sends_one_message_with_html_and_text():
    send_templated_email(["a@example.org", "b@example.org"], "notification", notification_context())

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["a@example.org", "b@example.org"]
    assert message.from_email == "Kooperacja <powiadomienia@example.gov.pl>"
    assert message.subject == "Kooperacja: Nowe skierowanie do Twojej instytucji"
    assert "Nowe skierowanie do Twojej instytucji" in message.body
    assert f"{SITE}/referrals/1/" in message.body
    html = html_of(message)
    assert f'href="{SITE}/referrals/1/"' in html
    assert f'href="{SITE}/notifications/preferences/"' in html


@pytest.mark.django_db
def test_it_renders_in_the_language_asked_for():
    send_templated_email(["a@example.org"], "notification", notification_context(), language="en")
    send_templated_email(["a@example.org"], "notification", notification_context(), language="pl")

    english, polish = mail.outbox
    assert '<html lang="en">' in html_of(english)
    assert "There is a new notification for you" in english.body
    assert '<html lang="pl">' in html_of(polish)


@pytest.mark.django_db
def test_it_escapes_html_but_not_the_text_and_subject():
    send_templated_email(["a@example.org"], "notification", notification_context("Zespół <A> & B"))

    message = mail.outbox[0]
    assert message.subject == "Kooperacja: Zespół <A> & B"
    assert "Zespół <A> & B" in message.body
    assert "Zespół &lt;A&gt; &amp; B" in html_of(message)


@pytest.mark.django_db
def test_it_keeps_the_mail_free_of_remote_content():
    send_templated_email(["a@example.org"], "notification", notification_context())

    html = html_of(mail.outbox[0])
    assert "<img" not in html
    assert "<script" not in html
    assert "<link" not in html


@pytest.mark.django_db
def test_it_refuses_a_model_instance_in_the_context_and_sends_nothing():
    user = get_user_model().objects.create_user("email.person", email="p@example.org")

    with pytest.raises(EmailContextError, match=r"context\['person'\] is a User.*ids and strings"):
        send_templated_email(["a@example.org"], "notification", {**notification_context(), "person": user})

    assert mail.outbox == []
    assert not OrmQ.objects.exists()
    assert not Task.objects.exists()


@pytest.mark.django_db
def test_it_refuses_bad_recipients_templates_and_languages():
    with pytest.raises(ValueError, match="non-empty list"):
        send_templated_email([], "notification", notification_context())
    with pytest.raises(ValueError, match="non-empty list"):
        send_templated_email("a@example.org", "notification", notification_context())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not e-mail addresses"):
        send_templated_email(["nobody"], "notification", notification_context())
    with pytest.raises(TemplateDoesNotExist):
        send_templated_email(["a@example.org"], "no_such_mail", {})
    with pytest.raises(ValueError, match="bad e-mail template name"):
        send_templated_email(["a@example.org"], "../base", {})
    with pytest.raises(ValueError, match="unknown language"):
        send_templated_email(["a@example.org"], "notification", notification_context(), language="de")
    assert mail.outbox == []


@pytest.mark.django_db
def test_it_queues_the_mail_as_a_task_whose_input_is_plain_data():
    task_id = send_templated_email(["a@example.org"], "notification", notification_context())

    task = Task.objects.get(id=task_id)
    assert task.success
    assert task.func == "kooperacja.core.email.deliver_templated_email"
    (sealed,) = task.args
    assert "a@example.org" not in sealed  # the queue and the task page show no address or link
    assert unseal(sealed) == {
        "to": ["a@example.org"],
        "template": "notification",
        "context": notification_context(),
        "language": "pl",
        "attachments": [],
    }


@pytest.mark.django_db
def test_it_attaches_files_given_as_text():
    invitation = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    send_templated_email(
        ["a@example.org"],
        "notification",
        notification_context(),
        attachments=[("zaproszenie.ics", invitation, "text/calendar")],
    )

    (message,) = mail.outbox
    assert message.attachments == [("zaproszenie.ics", invitation, "text/calendar")]


@override_settings(SITE_URL=SITE)
def test_it_builds_absolute_links_from_the_site_url():
    assert absolute_url("/notifications/") == f"{SITE}/notifications/"
    with pytest.raises(ValueError):
        absolute_url("https://elsewhere.example/")
    with pytest.raises(ValueError):
        absolute_url("//elsewhere.example/")
