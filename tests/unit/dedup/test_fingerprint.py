import datetime as dt
import json
import subprocess
import sys

from incidents.dedup import minhash
from incidents.dedup.facts import AISystem, ReportFacts
from incidents.dedup.fingerprint import (
    FILER,
    LSH,
    MONTH,
    NAME,
    SERIES,
    TERM,
    URL,
    features_from_json,
    features_to_json,
    fingerprint,
)

FACTS = ReportFacts(
    report_id="r1",
    title="Warehouse robot arm injures worker",
    description="The Quillon arm resumed motion while a worker cleared a jam at cell 4.",
    organisation_id="org-1",
    series_key="S-9",
    occurred_on=dt.date(2024, 3, 30),
    countries=("nl", "BE"),
    sector="retail",
    harm_types=("physical_injury",),
    event_class="ai_incident",
    ai_system=AISystem("Quillon Arm", "2.0", "Quillon Robotics BV", "Dockside Logistics"),
    references=("https://www.paper.example/2024/03/31/robot-arm?utm_source=x",),
)


def test_fingerprint_is_deterministic() -> None:
    assert fingerprint(FACTS) == fingerprint(FACTS)


def test_band_keys_are_stable_across_processes() -> None:
    code = (
        "from incidents.dedup import minhash;"
        "print(minhash.band_keys(minhash.signature({'a b c', 'b c d'}))[0])"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == minhash.band_keys(minhash.signature({"a b c", "b c d"}))[0]


def test_fingerprint_keys_cover_every_kind() -> None:
    fp = fingerprint(FACTS)
    kinds = {kind for kind, _ in fp.keys}
    assert kinds == {SERIES, URL, LSH, NAME, MONTH, TERM, FILER}
    assert fp.series == (SERIES, "org-1/S-9")
    assert (URL, "paper.example/2024/03/31/robot-arm") in fp.keys
    assert (NAME, "quillon robotics") in fp.keys
    assert (MONTH, "BE:2024-03") in fp.keys
    assert len([k for k in fp.keys if k[0] == LSH]) == minhash.BANDS
    assert fp.features.countries == {"NL", "BE"}


def test_probe_keys_include_neighbouring_month() -> None:
    probes = fingerprint(FACTS).probe_keys()
    assert (MONTH, "NL:2024-04") in probes
    assert (MONTH, "NL:2024-03") in probes


def test_report_without_text_or_date_has_no_lsh_or_month_keys() -> None:
    fp = fingerprint(ReportFacts(report_id="r2", title="", description=""))
    assert fp.keys == ()
    assert fp.series is None
    assert fp.probe_keys() == []


def test_minhash_estimates() -> None:
    a = minhash.signature(minhash.shingles(["a", "b", "c", "d", "e", "f", "g", "h"]))
    assert minhash.estimate_jaccard(a, a) == 1.0
    assert minhash.estimate_jaccard(a, minhash.signature(set())) == 0.0
    assert minhash.band_keys(minhash.signature(set())) == []
    assert minhash.shingles(["x", "y"]) == {"x", "y"}


def test_features_survive_a_json_round_trip() -> None:
    features = fingerprint(FACTS).features
    text = json.dumps(features_to_json(features))
    assert features_from_json(json.loads(text)) == features
    notice = fingerprint(
        ReportFacts(report_id="r2", title="FSN-25-021", description="Seen in late January.")
    ).features
    assert notice.filing_references == ("FSN-25-021",)
    assert notice.mentioned_months == {(None, 1)}
    assert features_from_json(json.loads(json.dumps(features_to_json(notice)))) == notice
    empty = fingerprint(ReportFacts(report_id="r3", title="", description="")).features
    assert features_from_json(json.loads(json.dumps(features_to_json(empty)))) == empty
