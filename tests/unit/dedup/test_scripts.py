"""Terms of Chinese, Japanese and Korean text: character bigrams and names in Latin letters."""

import subprocess
import sys

import pytest

from incidents.dedup import hangul, japanese
from incidents.dedup.normalize import content_terms, fold
from incidents.dedup.scripts import bigrams, has_kana, split_runs

JAPANESE = "自動運転バスが急ブレーキ、乗客6人けが　栃木・星ノ森町"
KOREAN = "개인정보위, '마루' 운영사 도담랩스 조사 착수"


def test_a_run_becomes_overlapping_bigrams_and_one_character_stays() -> None:
    assert bigrams("自動運転") == ["自動", "動運", "運転"]
    assert bigrams("森") == ["森"]
    assert bigrams("") == []


def test_words_are_split_by_script() -> None:
    assert list(split_runs("ai챗봇は3人")) == [
        ("other", "ai"),
        ("hangul", "챗봇"),
        ("cjk", "は"),
        ("other", "3"),
        ("cjk", "人"),
    ]


def test_folding_keeps_kana_voicing_and_hangul_syllables() -> None:
    assert fold("バス") == "バス"  # not ハス: the voicing mark is part of the letter
    assert fold("ｶﾞｽ") == "ガス"  # half-width kana become full-width
    assert fold("마루") == "마루"  # syllable blocks, not loose jamo
    assert fold("Zürich") == "zurich"


def test_japanese_headlines_about_one_event_share_bigrams() -> None:
    other = "自動運転バスが駐車中の軽トラックに接触　星ノ森町、けが人なし"
    shared = set(content_terms(JAPANESE)) & set(content_terms(other))
    assert {"自動", "運転", "バス", "星ノ", "ノ森", "森町"} <= shared


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("한국", "hanguk"),
        ("서울", "seoul"),
        ("부산", "busan"),
        ("국어", "gugeo"),  # a final consonant before a vowel is carried over
        ("마루를", "marureul"),
        ("도담랩스", "dodamraepseu"),
        ("알림", "allim"),  # ㄹㄹ is ll
        ("좋아", "joa"),  # ㅎ before a vowel is silent
    ],
)
def test_hangul_is_written_in_the_revised_romanization(word: str, expected: str) -> None:
    assert hangul.romanize(word) == expected


def test_hangul_romanization_refuses_anything_but_syllables() -> None:
    with pytest.raises(ValueError, match="Hangul"):
        hangul.romanize("마루 AI")


def test_a_korean_name_is_found_behind_its_particles() -> None:
    assert hangul.name_forms("마루가") == ["maru", "maruga"]
    assert hangul.name_forms("마루를") == ["maru", "marureul"]
    assert hangul.name_forms("도담랩스") == ["dodam", "dodamraep", "dodamraepseu"]
    assert hangul.name_forms("마") == []  # one syllable: no name form


def test_a_word_starting_with_rieul_is_also_given_with_l() -> None:
    assert {"rumora", "lumora"} <= set(hangul.name_forms("루모라"))


def test_korean_text_meets_the_english_spelling_of_its_names() -> None:
    english = content_terms("Regulators open probe into Maru maker Dodam Labs")
    assert {"maru", "dodam"} <= set(content_terms(KOREAN)) & set(english)


def test_japanese_place_names_are_read_without_their_administrative_suffix() -> None:
    assert "tochigi" in japanese.name_forms("栃木県")
    forms = japanese.name_forms("星ノ森町")
    assert {"hoshi", "hoshinomori"} <= set(forms)
    assert "tokyo" in japanese.name_forms("東京")  # long vowels also written single


def test_japanese_text_meets_the_english_spelling_of_its_names() -> None:
    english = content_terms("Kizuna to restart Hoshinomori driverless bus in Tochigi")
    assert {"hoshinomori", "tochigi"} <= set(content_terms(JAPANESE)) & set(english)


def test_han_without_kana_is_not_read_as_japanese() -> None:
    assert has_kana(JAPANESE)
    assert not has_kana("北京市发生自动驾驶事故")
    assert all(not t.isascii() for t in content_terms("北京市发生自动驾驶事故"))


def test_terms_are_the_same_in_every_process() -> None:
    code = (
        "from incidents.dedup.normalize import content_terms;"
        f"print(content_terms({JAPANESE + ' ' + KOREAN + ' €4.2m'!r}))"
    )
    printed = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert printed.strip() == repr(content_terms(JAPANESE + " " + KOREAN + " €4.2m"))


def test_kana_are_written_in_hepburn() -> None:
    cases = {
        "トウキョウ": "toukyou",
        "キャンペーン": "kyanpeen",
        "ティッシュ": "tisshu",
        "マッチ": "matchi",
        "ファイル": "fairu",
        "ウィキ": "wiki",
        "きずな": "kizuna",
        "ジョウキャク": "joukyaku",
    }
    assert {kana: japanese.hepburn(kana) for kana in cases} == cases


def test_japanese_loanwords_are_given_their_english_origin() -> None:
    assert japanese.loanword_origins("自動運転バスが駐車中の軽トラックに接触") == ("bus", "truck")
    assert japanese.loanword_origins("星ノ森町") == ()  # native words have no origin


def test_japanese_text_meets_english_coverage_on_its_loanwords() -> None:
    japanese_text = "自動運転バスが駐車中の軽トラックに接触　星ノ森町、けが人なし"
    english = content_terms("Self-driving bus clips parked truck in Tochigi town")
    assert {"bus", "truck"} <= set(content_terms(japanese_text)) & set(english)
