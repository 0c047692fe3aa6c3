"""Template filters of the institution pages."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Where a long e-mail address or username may break: after the separators of its local part
# and after "@"; the domain stays whole, so "gops.mirzec.example" reads as one.
_BREAK_AFTER = re.compile(r"([._-])")


@register.filter
def wrappable(value: object) -> SafeString:
    """The text, escaped, with line-break opportunities (<wbr>) that let a long e-mail address
    wrap on a narrow screen instead of widening the page."""
    local, at, domain = escape(value).partition("@")
    breakable = _BREAK_AFTER.sub(r"\1<wbr>", local) + (at + "<wbr>" + domain if at else "")
    return mark_safe(breakable)  # noqa: S308 (built from escaped text and <wbr> only)
