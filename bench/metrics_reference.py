"""A plain-Python reference of `python -m dashboard metrics CASES.csv EVENTS.csv --as-of T`.

    python bench/metrics_reference.py CASES.csv EVENTS.csv --as-of 2024-06-30

The yardstick of bench/metrics_bench.py: what a careful programmer writes with the standard
library only (csv, datetime, statistics, json): rows as dicts, one loop per case over its
events in seq order, the indicators by counting, `json.dumps(indent=1, sort_keys=True)` written
in one piece. It reads indicators.md as dashboard/engine/metrics.py and dashboard/engine/indicators.py do,
so its output is the command's, byte for byte (the bench compares them). It parses and checks
every date but none of the other contract rules (the command checks them all), so the
reference is, if anything, faster than a full plain-Python equivalent. The vocabularies come
from dashboard/data/contract.py (one home for them; importing it costs the reference ~0.3 s).
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard.data.contract import (  # noqa: E402
    AGENCY_FAMILY,
    AUTHORITY_ACTIONS,
    NEGATIVE_DECISIONS,
    REACTIVE_TRIGGERS,
    REVERSALS,
)

OPEN = {"screening", "investigation", "suspended", "in_court"}
AUTHORITY = set(AUTHORITY_ACTIONS)
NEGATIVE = set(NEGATIVE_DECISIONS)
REVERSAL = set(REVERSALS)


def imputed(text: str) -> date:
    """A contract date -> its day for durations (YYYY-MM: the 15th, YYYY: 1 July)."""
    parts = text.split("-")
    if len(parts) == 1:
        return date(int(parts[0]), 7, 1)
    if len(parts) == 2:
        return date(int(parts[0]), int(parts[1]), 15)
    return date(int(parts[0]), int(parts[1]), int(parts[2]))


def days(later: date, earlier: date) -> int:
    return max((later - earlier).days, 0)


def read(path: str) -> list[dict[str, str | None]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = []
        for row in csv.DictReader(f):
            for k, v in row.items():
                if v == "":
                    row[k] = None  # type: ignore[assignment]
                elif v[0] == "'" and v.lstrip("'")[:1] in ("=", "+", "-", "@"):
                    row[k] = v[1:]
            rows.append(row)
    return rows  # type: ignore[return-value]


def case_metrics(case: dict, events: list[dict], as_of: date) -> dict:
    """indicators.md, per-case metrics, for one case and its events known at T."""
    complaint = case["_complaint"]
    state, cc_seen, quals, custodial = "screening", False, None, False
    last_action = last_in_seq = complaint
    max_gap = 0
    reversals = negatives = handoffs = 0
    armed = False
    cc_d = spu_d = spu_trigger = None
    spu_investigating = spu = same_family = in_court = convicted = retaliation = False
    delays = []
    family = AGENCY_FAMILY.get(case["accused_agency"])
    for e in events:
        t, d = e["event_type"], e["_d"]
        if t in ("complaint_lodged", "screening_started"):
            if not cc_seen:
                state = "screening"
        elif t in ("referred", "decision_overturned", "spu_involved"):
            state = "investigation" if cc_seen else "screening"
        elif t in ("criminal_case_opened", "investigation_resumed"):
            state = "investigation"
        elif t == "refusal_to_open":
            state = "refused"
        elif t == "investigation_suspended":
            state = "suspended"
        elif t == "investigation_terminated":
            state = "terminated"
        elif t in ("indictment_to_court", "trial_started"):
            state = "in_court"
        elif t == "verdict" and e["detail"] == "conviction":
            state = "convicted"
        elif t == "verdict" and e["detail"] in ("acquittal", "dismissed"):
            state = "acquitted"
        if t in AUTHORITY:
            max_gap = max(max_gap, days(d, last_in_seq))
            last_in_seq = d
            last_action = max(last_action, d)
        if t in NEGATIVE:
            negatives += 1
            armed = True
            informed = e["victim_informed_date"]
            if informed is not None and imputed(informed) <= as_of:
                delays.append(days(imputed(informed), d))
        elif t in REVERSAL and armed:
            reversals += 1
            armed = False
        if e["to_agency"] is not None and e["to_agency"] != e["agency"]:
            handoffs += 1
        if t == "criminal_case_opened":
            if cc_d is None:
                cc_d = d
            cc_seen = True
        if t in ("criminal_case_opened", "requalified", "verdict") and e["qualification"]:
            quals = e["qualification"]
        if t == "spu_involved":
            if not spu:
                spu_d, spu_trigger = d, e["trigger"] or "unknown"
            spu = True
            spu_investigating |= e["detail"] == "investigating"
        body = None
        if t == "screening_started":
            body = e["agency"]
        elif t in ("referred", "decision_overturned"):
            body = e["to_agency"]
        elif t == "criminal_case_opened":
            body = e["to_agency"] or e["agency"]
        if body is not None and family is not None and AGENCY_FAMILY.get(body) == family:
            same_family = True
        in_court |= t == "indictment_to_court"
        convicted |= t == "verdict" and e["detail"] == "conviction"
        if t == "sentence":
            custodial = e["detail"] == "custodial"
        retaliation |= t == "retaliation_reported"
    is_open = state in OPEN
    if is_open:
        max_gap = max(max_gap, days(as_of, last_in_seq))
    return {
        "case_id": case["case_id"],
        "state": state,
        "open": is_open,
        "last_action_date": last_action.isoformat(),
        "stagnation_days": days(as_of, last_action) if is_open else None,
        "longest_inactivity_days": max_gap,
        "reversals": reversals,
        "negative_decisions": negatives,
        "handoffs": handoffs,
        "criminal_case": cc_d is not None,
        "days_to_criminal_case": None if cc_d is None else days(cc_d, complaint),
        "qualification": quals,
        "spu_involved": spu,
        "spu_mode": ("investigating" if spu_investigating else "supervising") if spu else None,
        "days_to_spu": None if spu_d is None else days(spu_d, complaint),
        "spu_trigger": spu_trigger,
        "same_family_investigation": same_family,
        "in_court": in_court,
        "convicted": convicted,
        "custodial": custodial,
        "info_delays": delays,
        "retaliation": retaliation,
    }


def indicators(rows: list[dict], cases: dict[str, dict]) -> dict:
    """indicators.md, systemic indicators, over the cohort's metric rows."""

    def rate(num: int, den: int) -> float | None:
        return num / den if den else None

    def median(values: list[int]) -> int | None:
        return int(statistics.median(values) + 0.5) if values else None

    n = len(rows)
    proc = [r for r in rows if cases[r["case_id"]]["complaint_channel"] == "procedural_complaint"]
    cc = [r for r in rows if r["criminal_case"]]
    spu = [r for r in rows if r["spu_involved"]]
    opened = [r for r in rows if r["open"]]
    evidence = [r for r in rows if cases[r["case_id"]]["medical_evidence"] != "none"]
    delays = [d for r in rows for d in r["info_delays"]]

    def share(rs: list[dict], test) -> float | None:  # type: ignore[no-untyped-def]
        return rate(sum(1 for r in rs if test(r)), len(rs))

    def reached(r: dict, stages: tuple[str, ...]) -> bool:
        return any(r[s] for s in stages)

    return {
        "complaints": n,
        "reclassification_rate": share(proc, lambda r: r["criminal_case"]),
        "prompt_reclassification_rate": share(
            proc,
            lambda r: r["days_to_criminal_case"] is not None and r["days_to_criminal_case"] <= 3,
        ),
        "median_days_to_criminal_case": median([r["days_to_criminal_case"] for r in cc]),
        "torture_qualification_rate": share(cc, lambda r: r["qualification"] == "torture"),
        "spu_involvement_rate": share(rows, lambda r: r["spu_involved"]),
        "spu_lead_rate": share(rows, lambda r: r["spu_mode"] == "investigating"),
        "spu_reactive_share": share(spu, lambda r: r["spu_trigger"] in REACTIVE_TRIGGERS),
        "median_days_to_spu": median([r["days_to_spu"] for r in spu]),
        "open_cases": len(opened),
        "stagnant_share": share(opened, lambda r: r["stagnation_days"] > 90),
        "stagnant_180": sum(1 for r in opened if r["stagnation_days"] > 180),
        "stagnant_365": sum(1 for r in opened if r["stagnation_days"] > 365),
        "median_stagnation_days": median([r["stagnation_days"] for r in opened]),
        "mean_reversals": rate(sum(r["reversals"] for r in rows), n),
        "pingpong_share": share(rows, lambda r: r["reversals"] >= 3),
        "same_family_share": share(rows, lambda r: r["same_family_investigation"]),
        "funnel": {
            "complaints": n,
            "criminal_case": sum(
                reached(r, ("criminal_case", "in_court", "convicted", "custodial")) for r in rows
            ),
            "in_court": sum(reached(r, ("in_court", "convicted", "custodial")) for r in rows),
            "convicted": sum(reached(r, ("convicted", "custodial")) for r in rows),
            "custodial": sum(1 for r in rows if r["custodial"]),
        },
        "prosecution_rate": share(rows, lambda r: r["in_court"]),
        "timely_information_rate": rate(sum(1 for d in delays if d <= 30), len(delays)),
        "evidence_dismissed_share": share(
            evidence, lambda r: r["state"] in ("refused", "terminated")
        ),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cases")
    ap.add_argument("events")
    ap.add_argument("--as-of", type=date.fromisoformat, required=True)
    ap.add_argument("--from", dest="start", type=date.fromisoformat, default=date(1900, 1, 1))
    ap.add_argument("--to", dest="end", type=date.fromisoformat, default=date(2100, 12, 31))
    args = ap.parse_args()
    as_of: date = args.as_of
    cases: dict[str, dict] = {}
    for row in read(args.cases):
        row["medical_evidence"] = row["medical_evidence"] or "none"
        row["_complaint"] = imputed(row["complaint_date"])  # type: ignore[arg-type]
        imputed(row["incident_date"])  # type: ignore[arg-type]  # checked, as the command does
        if row["_complaint"] <= as_of:
            cases[row["case_id"]] = row  # type: ignore[index]
    by_case: dict[str, list[dict]] = defaultdict(list)
    for e in read(args.events):
        e["_d"] = d = imputed(e["event_date"])  # type: ignore[arg-type, assignment]
        e["seq"] = int(e["seq"])  # type: ignore[arg-type, assignment]
        if e["victim_informed_date"] is not None:
            imputed(e["victim_informed_date"])
        if d <= as_of and e["case_id"] in cases:  # type: ignore[operator]
            by_case[e["case_id"]].append(e)  # type: ignore[index]
    rows = []
    for case_id in sorted(cases):
        case = cases[case_id]
        if args.start <= case["_complaint"] <= args.end:
            events = sorted(by_case.get(case_id, []), key=lambda e: e["seq"])
            rows.append(case_metrics(case, events, as_of))
    document = {"cases": {r["case_id"]: r for r in rows}, "indicators": indicators(rows, cases)}
    sys.stdout.write(json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
