"""The query language: what it understands, and what it refuses before any engine runs."""

from __future__ import annotations

import contextlib
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidents.search import (
    MAX_OFFSET,
    QueryRefused,
    Refusal,
    SearchInvalid,
    analyst_tier,
    parse,
    public_tier,
    request_from_args,
)
from incidents.search.postgres_engine import tsquery_text, tsvector_text
from incidents.search.query import MAX_WORDS, And, Not, Or, Phrase, Prefix, Term
from incidents.search.results import snippet


def test_words_phrases_operators_and_prefixes():
    assert parse("Chatbot advice").root == And((Term("chatbot"), Term("advice")))
    assert parse('"unsafe advice" OR fraud').root == Or(
        (Phrase(("unsafe", "advice")), Term("fraud"))
    )
    assert parse("model -chatbot").root == And((Term("model"), Not(Term("chatbot"))))
    assert parse("model NOT (a OR b)").root == And((Term("model"), Not(Or((Term("a"), Term("b"))))))
    assert parse("trans*").root == Prefix("trans")
    assert parse("").root is None
    assert parse("  ... ").root is None


def test_a_typed_field_is_searched_as_plain_words():
    assert parse("sector:health").root == And((Term("sector"), Term("health")))
    assert parse("tlp:red OR title:x").root == Or(
        (And((Term("tlp"), Term("red"))), And((Term("title"), Term("x"))))
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("*model", Refusal.LEADING_WILDCARD),
        ("*", Refusal.LEADING_WILDCARD),
        ("mo*del", Refusal.INNER_WILDCARD),
        ("ab*", Refusal.SHORT_PREFIX),
        ("abc* abd* abe* abf*", Refusal.TOO_MANY_PREFIXES),
        ("x" * 501, Refusal.TOO_LONG),
        (" ".join(["word"] * (MAX_WORDS + 1)), Refusal.TOO_MANY_WORDS),
        ("(" * 6 + "a" + ")" * 6, Refusal.TOO_DEEP),
        ("(a OR b", Refusal.UNBALANCED),
        ("a OR b)", Refusal.UNBALANCED),
        ("-model", Refusal.ONLY_NEGATIVE),
        ("NOT model", Refusal.ONLY_NEGATIVE),
        ("model OR -chatbot", Refusal.ONLY_NEGATIVE),
        ("model AND", Refusal.DANGLING_OPERATOR),
        ("OR model", Refusal.DANGLING_OPERATOR),
    ],
)
def test_what_could_hurt_the_server_is_refused_with_a_reason(text, reason):
    with pytest.raises(QueryRefused) as refused:
        parse(text)
    assert refused.value.reason is reason
    assert refused.value.message


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab c()\"*-:ÄOR AND NOT?\\'&|!<>"), max_size=600))
def test_any_text_parses_or_is_refused_quickly(text):
    started = time.perf_counter()
    try:
        query = parse(text)
    except QueryRefused:
        return
    finally:
        assert time.perf_counter() - started < 0.1
    if query.root is not None:
        # The tsquery handed to PostgreSQL holds only quoted tokens and our operators.
        rest = re.sub(r"'[^\W_]+'(:\*)?", "", tsquery_text(query.root))
        assert set(rest) <= set("()&|!<-> ")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_unicode_never_crashes_the_parser(text):
    with contextlib.suppress(QueryRefused):
        parse(text)


def test_tsvector_keeps_positions_and_skips_the_title_break():
    assert tsvector_text(["a", "b", "|", "a"]) == "'a':1,4 'b':2"


def test_offsets_beyond_ten_thousand_are_refused():
    tier = public_tier()
    with pytest.raises(SearchInvalid) as refused:
        request_from_args({"page": [str(MAX_OFFSET // 20 + 1)]}, tier)
    assert "page" in refused.value.problems
    assert request_from_args({"page": [str(MAX_OFFSET // 20)]}, tier).offset == MAX_OFFSET - 20


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"per_page": ["101"]}, "per_page"),
        ({"page": ["0"]}, "page"),
        ({"page": ["x"]}, "page"),
        ({"sort": ["popularity"]}, "sort"),
        ({"from": ["2026-13-01"]}, "from"),
        ({"from": ["2026-02-01"], "to": ["2026-01-01"]}, "to"),
        ({"group": ["organization"]}, "group"),
        ({"q": ["*x"]}, "q"),
        ({"sector": ["x" * 65]}, "sector"),
    ],
)
def test_bad_parameters_are_named(args, field):
    with pytest.raises(SearchInvalid) as refused:
        request_from_args(args, public_tier() if field != "sector" else analyst_tier(None))
    assert field in refused.value.problems


def test_only_incident_readers_get_the_organisation_facet():
    assert "organization" not in analyst_tier(None).facets
    assert "sector" in analyst_tier(None).facets
    request = request_from_args(
        {"q": ["model"], "sector": ["health", "energy"], "organization": ["3"]}, analyst_tier(None)
    )
    assert request.filters == {"sector": ("health", "energy")}


def test_snippets_mark_the_matched_words():
    text = "The chatbot advised rest. " * 3 + "Later the TRANSFER failed."
    parts = snippet(text, parse("chatbot trans*"))
    assert ("chatbot", True) in parts
    assert ("TRANSFER", True) in parts
    assert "".join(part for part, _ in parts).startswith("The chatbot")
