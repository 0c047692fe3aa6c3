"""The institution pages' template filters."""

from __future__ import annotations

from django.utils.html import escape
from hypothesis import given
from hypothesis import strategies as st

from kooperacja.institutions.templatetags.institutions import wrappable


def test_it_lets_an_address_break_after_the_local_parts_separators_and_the_at_sign():
    assert wrappable("anna.nowak-kowalska@gops.mirzec.example") == (
        "anna.<wbr>nowak-<wbr>kowalska@<wbr>gops.mirzec.example"
    )


def test_it_escapes_what_it_is_given():
    assert wrappable('<script>"x"</script>@a.pl') == "&lt;script&gt;&quot;x&quot;&lt;/script&gt;@<wbr>a.pl"


@given(st.text())
def test_it_only_adds_break_opportunities_to_the_escaped_text(text):
    assert wrappable(text).replace("<wbr>", "") == escape(text)
