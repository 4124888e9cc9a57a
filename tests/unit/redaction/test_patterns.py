"""E-mail, IP, payment card, IBAN and handle detectors."""

from __future__ import annotations

import pytest

from incidents.public.redaction import Kind, patterns
from tests.unit.redaction.helpers import redacted, texts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Write to lindqvist.soren@personal.inbox.example.",
            ["lindqvist.soren@personal.inbox.example"],
        ),
        (
            "tags: njeri.k+jobs@students.westbury.example, ok",
            ["njeri.k+jobs@students.westbury.example"],
        ),
        ("(a_b-c@mail.example.org)", ["a_b-c@mail.example.org"]),
        ("no address: user@ or @example.org or a@b", []),
    ],
)
def test_emails(text: str, expected: list[str]) -> None:
    assert texts(patterns.emails(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("came from 198.51.100.80.", ["198.51.100.80"]),
        ("from 10.0.0.1 and 192.0.2.66", ["10.0.0.1", "192.0.2.66"]),
        (
            "IPv6 fe80::315:e8b1:69c6:403c, then 2001:db8::c90a.",
            ["fe80::315:e8b1:69c6:403c", "2001:db8::c90a"],
        ),
        ("mapped ::ffff:192.0.2.33 here", ["::ffff:192.0.2.33"]),
        ("with a port 192.0.2.1:8080 or a prefix 10.0.0.0/8", ["192.0.2.1", "10.0.0.0"]),
        (
            "full 2001:0db8:85a3:0000:0000:8a2e:0370:7334",
            ["2001:0db8:85a3:0000:0000:8a2e:0370:7334"],
        ),
        ("firmware 10.2.3.4 and version 14.9.5.148", []),
        ("updated to v2.1.0.7 today", []),
        ("not an address: 256.1.1.1, 1.2.3, 12:30:45 or 1:2", []),
    ],
)
def test_ip_addresses(text: str, expected: list[str]) -> None:
    assert texts(patterns.ip_addresses(text)) == expected


def test_luhn_and_iban_checks() -> None:
    assert patterns.luhn_valid("4111111111111111")
    assert not patterns.luhn_valid("4111111111111112")
    assert patterns.iban_valid("GB82WEST12345698765432")
    assert not patterns.iban_valid("GB82WEST12345698765433")
    assert not patterns.iban_valid("GB82WEST1234569876543")  # one character short


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the card 4111 1111 1111 1111 was used", ["4111 1111 1111 1111"]),
        ("amex 3791 208772 85097.", ["3791 208772 85097"]),
        ("debit card 4376-7535-2520-2315", ["4376-7535-2520-2315"]),
        ("printed on a letter, 5150370271732301, while", ["5150370271732301"]),
        ("saved card 6257559043832269364 and", ["6257559043832269364"]),
        ("4111 1111 1111 1112 fails Luhn", []),
        ("order 1234567812345670 (Luhn-valid, no card prefix)", []),
        ("ref 40128888888818810 has 17 digits and no cue", []),
        ("batch 4222222222222 shipped", []),
        ("the card 4222222222222 was", ["4222222222222"]),
    ],
)
def test_payment_cards(text: str, expected: list[str]) -> None:
    assert texts(patterns.payment_cards(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("account IE33BOFI87183154525801, before", ["IE33BOFI87183154525801"]),
        ("paid to GB49 BARC 6535 4340 4999 14 was", ["GB49 BARC 6535 4340 4999 14"]),
        ("IBAN BE34 2056 7649 0790 IN TOTAL", ["BE34 2056 7649 0790"]),
        ("IBAN BE34 2056 7649 0790X is glued to a word", []),
        ("IBAN GB49 BARC 6535 4340 4999 15 fails mod-97", []),
        ("XX12 3456 7890 1234 5678 is no country", []),
    ],
)
def test_ibans(text: str, expected: list[str]) -> None:
    assert texts(patterns.ibans(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("posted by u/maple_heron84 over", ["maple_heron84"]),
        ("the handle @moss_lantern87. Then", ["moss_lantern87"]),
        ("social-media account, coconnell. Part", ["coconnell"]),
        ("forum username nightowl_fern14 and", ["nightowl_fern14"]),
        ("(account esposito.giulia.5), was", ["esposito.giulia.5"]),
        ("careers portal as toliveira and later", ["toliveira"]),
        ("student Marta Nowak (marta_n84) was", ["marta_n84"]),
        ("the account JaneDoe was used", ["JaneDoe"]),
        ("the account holder was told; accounts of 1,140 customers", []),
        ("her email a@b.example is not a handle", []),
        ("account Email and login HR", []),
        ("login throttling per account (e-mail) and --data @docs/report.json", []),
    ],
)
def test_usernames(text: str, expected: list[str]) -> None:
    assert texts(patterns.usernames(text)) == expected


def test_marker_is_outside_the_handle_span() -> None:
    assert redacted("an account called u/sparrow_tidal76 posted", kind=Kind.USERNAME) == [
        "sparrow_tidal76"
    ]
