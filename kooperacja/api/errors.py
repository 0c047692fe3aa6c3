"""One error shape for every answer of the API that is not a success.

    {"detail": "…", "errors": [{"field": "mode", "message": "…"}]}

`detail` is a sentence in the client's language (the language cookie or Accept-Language,
Polish by default); field messages may stay in English, as pydantic writes them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError

if TYPE_CHECKING:
    from django.utils.functional import Promise
    from ninja import NinjaAPI

logger = logging.getLogger(__name__)

# The fields of ninja's validation errors start with where the value came from.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}

_STATUS_DETAIL: dict[int, Promise] = {
    400: _("The request could not be read: send the body as valid JSON."),
    401: _("Authentication required: send an API token as “Authorization: Bearer <token>”."),
    403: _("You are not allowed to do this."),
    404: _("Not found."),
    405: _("This method is not allowed here."),
    409: _("The data was changed in the meantime; load it again."),
    413: _("The request is too large."),
    422: _("The request contains invalid values."),
    429: _("Too many requests; try again later."),
    500: _("Internal server error. The error has been logged."),
}


class ApiError(HttpError):
    """Raised by endpoints for an answer in the error shape with a translated detail."""

    def __init__(
        self,
        status_code: int,
        detail: str | Promise | None = None,
        errors: Iterable[tuple[str | None, str]] = (),
    ) -> None:
        self.detail = detail if detail is not None else _STATUS_DETAIL.get(status_code, "")
        self.errors = list(errors)
        super().__init__(status_code, str(self.detail))


def error_body(status: int, detail: str | Promise | None = None, errors: Iterable[Any] = ()) -> dict[str, Any]:
    return {
        "detail": str(detail if detail is not None else _STATUS_DETAIL.get(status, "")),
        "errors": [{"field": field, "message": str(message)} for field, message in errors],
    }


# pydantic's own messages are English; these are the ones a client meets, in the user's language.
_VALIDATION_MESSAGES: dict[str, Promise] = {
    "missing": _("This field is required."),
    "json_invalid": _("The request body is not valid JSON."),
    "model_attributes_type": _("The request body must be a JSON object."),
    "dict_type": _("The request body must be a JSON object."),
    "string_type": _("Enter text."),
    "int_parsing": _("Enter a whole number."),
    "int_type": _("Enter a whole number."),
    "float_parsing": _("Enter a number."),
    "bool_parsing": _("Enter true or false."),
    "uuid_parsing": _("Enter a valid identifier (UUID)."),
    "date_from_datetime_parsing": _("Enter a date as YYYY-MM-DD."),
    "date_parsing": _("Enter a date as YYYY-MM-DD."),
    "datetime_parsing": _("Enter a date and time in ISO 8601 format."),
    "extra_forbidden": _("This field is not expected here."),
}
_VALIDATION_MESSAGES_WITH_LIMITS: dict[str, Promise] = {
    "literal_error": _("Choose one of: %(expected)s."),
    "enum": _("Choose one of: %(expected)s."),
    "string_too_long": _("Enter at most %(max_length)s characters."),
    "string_too_short": _("Enter at least %(min_length)s characters."),
    "greater_than_equal": _("Enter a value of at least %(ge)s."),
    "less_than_equal": _("Enter a value of at most %(le)s."),
}


def validation_message(error: dict[str, Any]) -> str:
    """A validation error of pydantic in the user's language; its own text when we have none."""
    kind = str(error.get("type", ""))
    if kind in _VALIDATION_MESSAGES:
        return str(_VALIDATION_MESSAGES[kind])
    if kind in _VALIDATION_MESSAGES_WITH_LIMITS:
        try:
            return str(_VALIDATION_MESSAGES_WITH_LIMITS[kind]) % dict(error.get("ctx") or {})
        except (KeyError, TypeError):
            pass
    return str(error.get("msg", ""))


def field_of(loc: Iterable[Any], single_body_attr: str | None = None) -> str | None:
    """ "body.payload.mode" -> "mode": the field as the client wrote it, without ninja's plumbing."""
    parts = [str(part) for part in loc]
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        if source == "body" and single_body_attr and parts[:1] == [single_body_attr]:
            parts.pop(0)
    return ".".join(parts) or None


def install(api: NinjaAPI) -> None:
    """Attach the handlers that turn every failure into the error shape."""

    def respond(
        request: HttpRequest, status: int, detail: str | Promise | None = None, errors: Iterable[Any] = ()
    ) -> HttpResponse:
        return api.create_response(request, error_body(status, detail, errors), status=status)

    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            (error.get("field", field_of(error.get("loc", ()))), validation_message(error))
            for error in exc.errors
            if isinstance(error, dict)
        ]
        return respond(request, 422, errors=errors)

    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            errors = [
                (None if name == "__all__" else name, message)
                for name, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            errors = [(None, message) for message in exc.messages]
        return respond(request, 422, errors=errors)

    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        if request.headers.get("Authorization"):
            detail = _("The API token is not valid: it is unknown, revoked or expired.")
            challenge = 'Bearer error="invalid_token"'
        else:
            detail = None
            challenge = "Bearer"
        response = respond(request, 401, detail)
        response["WWW-Authenticate"] = challenge
        return response

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc, ApiError):
            return respond(request, exc.status_code, exc.detail, exc.errors)
        # ninja's own messages ("Cannot parse request body", "Forbidden") are English and
        # generic: answer with the translated sentence for the status instead.
        return respond(request, exc.status_code)

    def on_forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(request, 403)

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(request, 404)

    def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        response = respond(request, 429)
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait))
        return response

    def on_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE or too many fields: the
        # client's mistake, answered as such rather than as a server error.
        if isinstance(exc, RequestDataTooBig):
            return respond(request, 413)
        return respond(request, 400, _("The request has too many parameters."))

    def on_anything_else(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Logged with the traceback for the operators; the client learns nothing of the internals.
        logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
        return respond(request, 500)

    handlers: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
        (ValidationError, on_validation),
        (DjangoValidationError, on_django_validation),
        (AuthenticationError, on_authentication),
        (AuthorizationError, on_http_error),
        (Throttled, on_throttled),
        (HttpError, on_http_error),
        (PermissionDenied, on_forbidden),
        (Http404, on_not_found),
        (RequestDataTooBig, on_too_big),
        (TooManyFieldsSent, on_too_big),
        (Exception, on_anything_else),
    ]
    for exception_class, handler in handlers:
        api.add_exception_handler(exception_class, handler)


def json_method_not_allowed(api: NinjaAPI, view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a view so that its 405 answer (ninja writes plain text) comes in the error shape."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 405:
            return response
        answer = api.create_response(request, error_body(405), status=405)
        if response.has_header("Allow"):
            answer["Allow"] = response["Allow"]
        return answer

    return wrapper


def not_found_view(api: NinjaAPI) -> Callable[..., HttpResponse]:
    """The answer for any path under the API that no operation serves."""

    def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return api.create_response(request, error_body(404), status=404)

    not_found.csrf_exempt = True  # type: ignore[attr-defined]
    return not_found
