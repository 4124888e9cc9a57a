"""Text no database stores, found in a JSON body (``incidents.input``): the quick look at the
body's text finds exactly what walking the parsed value finds."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from incidents.input import unstorable, unstorable_json

TEXT = st.text(st.characters(codec=None, exclude_categories=[]), max_size=8) | st.sampled_from(
    ["\x00", "\ud800", "a\udfffb", "\U0001f600", "\\u0000", "plain"]
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@given(JSON, st.booleans())
def test_the_quick_look_agrees_with_the_walk(value: Any, ascii_only: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    if not _utf8(text):  # a body is decoded UTF-8: it holds no lone surrogate itself
        text = json.dumps(value)
    assert unstorable_json(text, json.loads(text)) == unstorable(json.loads(text))


def test_the_walk_names_the_field() -> None:
    body = {"title": "ok", "tags": ["fine", "bad\x00"]}
    assert unstorable_json(json.dumps(body), body) == (
        "tags[1]",
        "Remove the NUL character (\\u0000): no text can hold it.",
    )
    assert unstorable_json('{"a": "\\ud83d\\ude00"}', {"a": "\U0001f600"}) is None  # a pair
