"""Request types for views, so that mypy knows what middleware and decorators guarantee."""

from __future__ import annotations

from typing import Any

from django.core.files import File
from django.http import FileResponse, HttpRequest, HttpResponseRedirect
from django.urls import reverse

from kooperacja.core.models import User

# The methods of a page that shows a form and takes it back (for require_http_methods).
GET_POST = ["GET", "HEAD", "POST"]


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind login_required (or role_required): its user is a signed-in User, and
    RequestIdMiddleware has named it. Only for annotations; Django builds the real request."""

    user: User
    request_id: str


def landing(viewname: str, anchor: str = "main", **kwargs: Any) -> HttpResponseRedirect:
    """The redirect after a successful change, to a place on the page: the row just made, or the
    main content where the message says what happened. Without its own anchor the browser would
    keep the form's `#…-errors` anchor and open the page on an error box that is not there."""
    return HttpResponseRedirect(f"{reverse(viewname, kwargs=kwargs)}#{anchor}")


def serve_private_file(file: File, *, filename: str, content_type: str) -> FileResponse:
    """A file of the private store as a download that is never sniffed nor cached; the caller
    has checked the access and recorded the read."""
    response = FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
