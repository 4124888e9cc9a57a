"""Seeded generator of synthetic AI-incident reports in the shape of the dedup data files.

For background noise and scale benchmarks. Names are invented from syllables, text is drawn
from templates over a general AI-incident vocabulary, dates span 2015-2026; about a fifth of
the events get a second or third report written as a light rewrite (near-duplicates).

Usage as a library: ``labelled(n, seed)`` or ``reports(n, seed)``; as a script:
``python bench/synthetic.py N [--seed S] > file.json`` writes the JSON data format.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dedup_data

_ONSET = [
    "b",
    "br",
    "c",
    "ch",
    "d",
    "dr",
    "f",
    "g",
    "gr",
    "h",
    "j",
    "k",
    "kl",
    "l",
    "m",
    "n",
    "p",
    "pr",
    "qu",
    "r",
    "s",
    "st",
    "t",
    "tr",
    "v",
    "w",
    "z",
]
_VOWEL = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou"]
_CODA = ["", "", "n", "r", "l", "x", "s", "th", "nd", "rk"]
_ORG_TAIL = [
    "Labs",
    "Systems",
    "Analytics",
    "Robotics",
    "Networks",
    "Technologies",
    "Software",
    "Dynamics",
    "Intelligence",
    "Health",
    "Finance",
    "Mobility",
]
_DEPLOYER_TAIL = [
    "Bank",
    "Council",
    "University",
    "Hospital",
    "Insurance",
    "Logistics",
    "Transit Authority",
    "Retail Group",
    "Telecom",
    "Ministry",
    "School District",
]
_SYSTEM_TAIL = ["Assist", "Vision", "Score", "Pilot", "Guard", "Chat", "Sense", "Flow"]
COUNTRIES = [
    "US",
    "GB",
    "DE",
    "FR",
    "IN",
    "BR",
    "JP",
    "KR",
    "AU",
    "CA",
    "NG",
    "KE",
    "ZA",
    "MX",
    "ES",
    "IT",
    "NL",
    "SE",
    "PL",
    "SG",
    "ID",
    "PH",
    "EG",
    "AR",
    "CL",
    "NZ",
    "IE",
    "TR",
    "VN",
    "TH",
]
SECTORS = [
    "health",
    "finance",
    "transport",
    "media",
    "public_administration",
    "education",
    "employment",
    "retail",
    "energy",
    "telecom",
    "defence",
    "other",
]
HARMS = [
    "economic_property",
    "human_fundamental_rights",
    "psychological",
    "physical_injury",
    "reputational",
    "public_interest",
    "physical_death",
]
CLASSES = [
    "ai_incident",
    "ai_incident",
    "ai_incident",
    "serious_ai_incident",
    "ai_hazard",
    "serious_ai_hazard",
]
KINDS = ["journalist", "affected_party", "developer", "deployer", "researcher", "institute"]
# (what went wrong, who was affected, consequence) fragments over a generic vocabulary.
PROBLEMS = [
    ("misclassified applications", "applicants", "were wrongly rejected"),
    ("generated false statements", "customers", "received inaccurate answers"),
    ("failed to detect an obstacle", "pedestrians", "were put at risk"),
    ("flagged legitimate transactions as fraud", "account holders", "lost access to funds"),
    ("produced a synthetic voice", "employees", "transferred money to criminals"),
    ("recommended harmful content", "teenagers", "were exposed to distressing material"),
    ("matched the wrong face", "residents", "were questioned by police"),
    ("leaked conversation histories", "users", "saw other people's data"),
    ("executed commands outside its task", "staff", "lost records"),
    ("scored students unfairly", "pupils", "received lower grades"),
    ("ignored sensor readings", "operators", "had to shut down equipment"),
    ("removed posts automatically", "activists", "lost evidence"),
    ("mistranslated statements", "claimants", "had their cases delayed"),
    ("overestimated demand", "households", "faced service interruptions"),
    ("priced policies using proxies", "older drivers", "paid higher premiums"),
]
SENTENCES = [
    "The {system} tool from {developer} {problem} over a period of {n} days.",
    "According to {deployer}, the issue began on {date} and affected about {count} {affected}.",
    "Several {affected} {consequence} before the system was paused.",
    "{developer} said it had identified a configuration change as the likely cause.",
    "An internal review found that monitoring did not raise an alert in time.",
    "Regulators in {country_name} have asked for documentation of the testing process.",
    "{deployer} has since restored manual checks and contacted those affected.",
    "Independent experts said the case shows the limits of automated oversight.",
    "The company plans to publish a fuller account within {n} weeks.",
    "Complaints rose sharply after the update to version {version}.",
    "Advocacy groups called for an audit of how the {system} model was trained.",
    "Staff at {deployer} reported that warnings were dismissed as false alarms.",
]
TITLES = [
    "{system} {problem}, {deployer} says",
    "{affected} affected after AI system {problem}",
    "Review: how {system} {problem} at {deployer}",
    "{developer} pauses {system} after complaints from {affected}",
    "Incident report: {system} {problem}",
]
_COUNTRY_NAMES = {c: c for c in COUNTRIES}
_ADJ = [
    "automated",
    "predictive",
    "legacy",
    "regional",
    "experimental",
    "internal",
    "third-party",
    "cloud",
    "outdated",
    "unvalidated",
    "opaque",
    "biased",
    "noisy",
    "miscalibrated",
    "critical",
    "routine",
]
_NOUN = [
    "pipeline",
    "dashboard",
    "classifier",
    "threshold",
    "dataset",
    "audit",
    "contractor",
    "helpline",
    "warehouse",
    "clinic",
    "depot",
    "scheduler",
    "camera",
    "sensor",
    "ledger",
    "portal",
    "kiosk",
    "drone",
    "forecast",
    "appeal",
    "tribunal",
    "inspector",
    "vendor",
    "algorithm",
]
_VERB = [
    "disrupted",
    "overloaded",
    "bypassed",
    "corrupted",
    "delayed",
    "mislabelled",
    "duplicated",
    "overrode",
    "throttled",
    "exposed",
]
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(
        rng.choice(_ONSET) + rng.choice(_VOWEL) + rng.choice(_CODA) for _ in range(syllables)
    ).capitalize()


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _detail(rng: random.Random) -> str:
    return (
        f"{_upper_first(rng.choice(_ADJ))} {rng.choice(_NOUN)} "
        f"{rng.choice(_VERB)} the {rng.choice(_ADJ)} {rng.choice(_NOUN)} "
        f"near {_word(rng, 2)} in {rng.choice(_MONTHS)}."
    )


def _event(rng: random.Random) -> dict[str, Any]:
    developer = f"{_word(rng, 2)} {rng.choice(_ORG_TAIL)}"
    day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(4380))
    return {
        "developer": developer,
        "deployer": f"{_word(rng, 2)} {rng.choice(_DEPLOYER_TAIL)}",
        "system": f"{_word(rng, rng.randint(1, 2))}{rng.choice(_SYSTEM_TAIL)}",
        "version": f"{rng.randint(1, 9)}.{rng.randint(0, 9)}",
        "problem": rng.choice(PROBLEMS),
        "date": day,
        "country": rng.choice(COUNTRIES),
        "sector": rng.choice(SECTORS),
        "harms": rng.sample(HARMS, rng.randint(1, 2)),
        "class": rng.choice(CLASSES),
        "n": rng.randint(2, 40),
        "count": rng.randint(12, 90000),
    }


def _report(rng: random.Random, event: dict[str, Any], key: str) -> dict[str, Any]:
    problem, affected, consequence = event["problem"]
    slots = {
        "system": event["system"],
        "developer": event["developer"],
        "deployer": event["deployer"],
        "problem": problem,
        "affected": affected,
        "consequence": consequence,
        "n": event["n"],
        "count": f"{event['count']:,}",
        "date": event["date"].strftime("%d %B %Y"),
        "version": event["version"],
        "country_name": _COUNTRY_NAMES[event["country"]],
    }
    sentences = [SENTENCES[0], *rng.sample(SENTENCES[1:], rng.randint(2, 7))]
    sentences += [
        _detail(rng).replace("{", "(").replace("}", ")") for _ in range(rng.randint(0, 3))
    ]
    rng.shuffle(sentences)
    system = {
        "name": event["system"],
        "version": event["version"],
        "developer": event["developer"],
        "deployer": event["deployer"],
    }
    system = {k: v for k, v in system.items() if rng.random() < 0.8}
    shift = dt.timedelta(days=rng.choice([0, 0, 0, 1, -1, 2]))
    return {
        "report_key": key,
        "submitter_kind": rng.choice(KINDS),
        "title": _upper_first(rng.choice(TITLES).format(**slots)),
        "description": " ".join(s.format(**slots) for s in sentences),
        "occurred_on": (event["date"] + shift).isoformat(),
        "aware_on": (event["date"] + dt.timedelta(days=rng.randint(1, 30))).isoformat(),
        "ai_system": system,
        "countries": [event["country"]],
        "sector": event["sector"],
        "harm_types": event["harms"],
        "event_class": event["class"],
    }


def events(n: int, seed: int = 0) -> list[dict[str, Any]]:
    """Return about ``n`` reports grouped in events, in the JSON data format's ``events`` list."""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    made = 0
    while made < n:
        event = _event(rng)
        size = min(n - made, rng.choices([1, 2, 3], weights=[80, 15, 5])[0])
        reports = [_report(rng, event, f"S{seed}-{made + i:07d}") for i in range(size)]
        out.append({"event_id": f"S{seed}-E{len(out):06d}", "reports": reports})
        made += size
    return out


def labelled(n: int, seed: int = 0) -> list[dedup_data.Labelled]:
    """Return ``n`` synthetic ``(event_id, facts)`` pairs."""
    return [(e["event_id"], dedup_data.to_facts(r)) for e in events(n, seed) for r in e["reports"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    data = {
        "description": "synthetic AI-incident reports (bench/synthetic.py)",
        "version": 1,
        "events": events(args.n, args.seed),
    }
    json.dump(data, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
