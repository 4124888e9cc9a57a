"""Folding, word tokens, sentence starts and whole-word search."""

from __future__ import annotations

from incidents.public.redaction import text


def test_fold_keeps_offsets() -> None:
    for value in ("Søren Ørsted", "Straße", "İstanbul", "Đorđe Łukasz", "Ærø", "O\u2019Neill"):
        assert len(text.fold(value)) == len(value)
    assert text.fold("Søren O\u2019Neill") == "soren o'neill"


def test_occurrences_are_whole_words() -> None:
    assert list(text.occurrences("ana anabel ana_b ana", "ana")) == [(0, 3), (17, 20)]
    assert list(text.occurrences("anything", "")) == []


def test_sentence_starts() -> None:
    sample = 'He left. "Kwame said". Dr. Mensah came: Ama too. e.g. Kofi'
    starts = [t.text for t in text.tokens(sample) if text.starts_sentence(sample, t.start)]
    assert {"He", "Kwame", "Ama"} <= set(starts)
    assert not {"left", "Mensah", "Kofi", "too"} & set(starts)
