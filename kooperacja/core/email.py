"""E-mail from templates, sent by the background worker.

A message is three templates in `templates/email/`: `<name>_subject.txt`, `<name>.txt` and
`<name>.html` (extending `email/base.html`), rendered in the recipient's language. Links in
e-mails are absolute, built from settings.SITE_URL. E-mails carry no personal data of the
people the platform's cases are about: a title and a link to the platform, where access is
checked.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import get_template, render_to_string
from django.utils import translation

from kooperacja.core.crypto import seal, unseal
from kooperacja.core.tasks import enqueue

_TEMPLATE_NAME = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)*$")


class EmailContextError(TypeError):
    """The context of an e-mail cannot travel to the worker as JSON."""


def absolute_url(path: str) -> str:
    """The link to a path of the platform as it is written in an e-mail."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"not a path of the platform: {path!r}")
    return settings.SITE_URL + path


def send_templated_email(
    to: list[str],
    template: str,
    context: dict[str, Any],
    *,
    language: str = "pl",
    attachments: list[tuple[str, str, str]] | None = None,
) -> str:
    """Queue one e-mail (HTML and text) to `to`, rendered from `email/<template>*` in `language`;
    return the task id. `attachments` are (file name, text content, MIME type), such as an
    invitation's `.ics`.

    The context travels to the worker as JSON: ids and strings, never model instances (the
    worker would get a stale copy, and the queue would hold personal data it need not).
    """
    recipients = _checked_recipients(to)
    _check_template(template)
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language {language!r}; use one of settings.LANGUAGES")
    plain_context = _json_context(template, context)
    # Sealed: the queue and the task page must not show addresses or the links in the context.
    files = [list(attachment) for attachment in attachments or []]
    sealed = seal(
        {"to": recipients, "template": template, "context": plain_context, "language": language, "attachments": files}
    )
    return enqueue("kooperacja.core.email.deliver_templated_email", sealed, task_name=f"e-mail {template}")


def deliver_templated_email(sealed: str) -> str:
    """The task behind send_templated_email: render and send at once.

    Sending is the last step, so a re-delivered task re-sends only when the worker died
    between handing the message to the mail server and being acknowledged.
    """
    message = unseal(sealed)
    render_and_send(
        message["to"],
        message["template"],
        message["context"],
        language=message["language"],
        attachments=[tuple(attachment) for attachment in message.get("attachments", [])],
    )
    return f"sent to {len(message['to'])} recipient(s)"


def render_and_send(
    to: list[str],
    template: str,
    context: dict[str, Any],
    *,
    language: str,
    attachments: list[tuple[str, str, str]] | None = None,
) -> None:
    """Render `email/<template>*` in `language` and send it now (call from tasks only)."""
    full_context = {**context, "site_url": settings.SITE_URL, "language": language}
    with translation.override(language):
        subject = render_to_string(f"email/{template}_subject.txt", full_context)
        text = render_to_string(f"email/{template}.txt", full_context)
        html = render_to_string(f"email/{template}.html", full_context)
    # A subject is one line: a template's trailing newline would break the header.
    subject_line = " ".join(subject.split())
    message = EmailMultiAlternatives(subject_line, text, settings.DEFAULT_FROM_EMAIL, to)
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    message.send()


def _checked_recipients(to: list[str]) -> list[str]:
    if isinstance(to, str) or not to:
        raise ValueError("send_templated_email() needs a non-empty list of addresses")
    recipients = [address.strip() for address in to]
    if not all(recipients) or not all("@" in address for address in recipients):
        raise ValueError(f"not e-mail addresses: {to!r}")
    return recipients


def _check_template(template: str) -> None:
    if not _TEMPLATE_NAME.match(template):
        raise ValueError(f"bad e-mail template name {template!r}")
    # Fail where the mistake is made, not later in the worker.
    for suffix in ("_subject.txt", ".txt", ".html"):
        get_template(f"email/{template}{suffix}")


def _json_context(template: str, context: dict[str, Any]) -> dict[str, Any]:
    for key, value in context.items():
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            raise EmailContextError(
                f"e-mail {template!r}: context[{key!r}] is a {type(value).__name__}, which is not "
                "JSON-serialisable. Pass ids and strings, never model instances."
            ) from None
    # The worker gets exactly what JSON carries (tuples become lists, keys become strings).
    plain: dict[str, Any] = json.loads(json.dumps(context))
    return plain
