"""Sealed values: readable only with this deployment's FIELD_ENCRYPTION_KEY."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kooperacja.core.crypto import SealBroken, seal, unseal

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=10,
)


@given(json_values)
def test_it_gives_back_exactly_what_it_sealed(value):
    assert unseal(seal(value)) == value


def test_it_hides_the_sealed_text():
    assert "anna.nowak@gops.example" not in seal({"to": "anna.nowak@gops.example"})


def test_it_refuses_a_changed_or_foreign_token(settings):
    token = seal("link")
    with pytest.raises(SealBroken):
        unseal(token[:-4] + "AAAA")
    settings.FIELD_ENCRYPTION_KEY = base64.urlsafe_b64encode(b"another-key-of-thirty-two-bytes!").decode()
    with pytest.raises(SealBroken):
        unseal(token)
