"""A small, deterministic demonstration set for page tests, the browser test and the benchmark.

Five patterns repeat over the cases, so every page has something to show: ping-pong (3
reversals), a conviction with a custodial sentence after SPU involvement, a refusal the victim
learned of late, a criminal case left idle (stagnant), and an SPU-supervised suspension.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
from sqlalchemy import Engine

from dashboard.data.contract import CASE_SCHEMA, EVENT_SCHEMA

REGIONS = ("KZ-39", "KZ-75", "KZ-71", "KZ-59", "KZ-55", "KZ-11")
AGENCIES = ("MVD_POLICE", "MVD_PENAL", "KNB", "MVD_POLICE")
CHANNELS = ("procedural_complaint", "crime_report", "pmc", "internal_complaint", "media")
HARMS = (
    "injury",
    "serious_injury",
    "death",
    "none_documented",
    "injury",
    "serious_injury",
    "injury",
)


def _d(d: date) -> str:
    return d.isoformat()


def demo_frames(
    n: int = 60, *, first: date = date(2025, 1, 3), step_days: int = 9
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`n` synthetic cases (ids SYN-00001…) complained from `first` every `step_days` days."""
    cases, events = [], []
    for i in range(n):
        cid = f"SYN-{i + 1:05d}"
        agency = AGENCIES[i % len(AGENCIES)]
        complained = first + timedelta(days=(i * step_days) % 700)
        cases.append(
            {
                "case_id": cid,
                "region": REGIONS[i % len(REGIONS)],
                "victim_name": f"Person {i + 1}",
                "identity_public": False,
                "victim_sex": "male",
                "victim_age": 20 + i % 50,
                "victim_status": "suspect",
                "incident_date": _d(complained - timedelta(days=2)),
                "place_type": "police_station",
                "unregistered_detention": None,
                "accused_agency": agency,
                "allegations": "beating;asphyxiation" if i % 3 == 0 else "beating",
                "harm": HARMS[i % len(HARMS)],
                "medical_evidence": "official_forensic" if i % 2 else "none",
                "lawyer": i % 2 == 0,
                "ngo": None,
                "complaint_date": _d(complained),
                "complaint_channel": CHANNELS[i % len(CHANNELS)],
                "summary": f"Synthetic case {i + 1}: beaten during questioning.",
                "source": "synthetic test data",
                "synthetic": True,
            }
        )
        seq = 0

        def ev(
            days: int,
            etype: str,
            ag: str,
            cid: str = cid,
            complained: date = complained,
            **kw: str | None,
        ) -> None:
            nonlocal seq
            seq += 1
            row: dict[str, object] = dict.fromkeys(EVENT_SCHEMA)
            row.update(
                case_id=cid,
                seq=seq,
                event_date=_d(complained + timedelta(days=days)),
                event_type=etype,
                agency=ag,
            )
            row.update(kw)
            events.append(row)

        ev(0, "complaint_lodged", "PROS_LOCAL")
        pattern = i % 5
        screener = "MVD_IID" if agency.startswith("MVD") else "PROS_LOCAL"
        ev(2, "screening_started", screener)
        if pattern == 0:  # ping-pong: three refusals, each overturned
            for k in range(3):
                ev(20 + 40 * k, "refusal_to_open", screener, detail="no_crime")
                ev(40 + 40 * k, "decision_overturned", "PROS_REGIONAL", to_agency=screener)
        elif pattern == 1:  # the working path
            ev(3, "criminal_case_opened", "SPU", qualification="torture")
            ev(10, "spu_involved", "SPU", detail="investigating", trigger="lawyer_request")
            ev(120, "indictment_to_court", "SPU", to_agency="COURT")
            ev(150, "trial_started", "COURT")
            ev(200, "verdict", "COURT", detail="conviction", qualification="torture")
            ev(200, "sentence", "COURT", detail="custodial")
        elif pattern == 2:  # refused, the victim told late
            ev(
                30,
                "refusal_to_open",
                screener,
                detail="insufficient_evidence",
                victim_informed_date=_d(complained + timedelta(days=75)),
            )
        elif pattern == 3:  # opened, then nothing
            ev(
                12,
                "criminal_case_opened",
                "PROS_LOCAL",
                to_agency=screener,
                qualification="abuse_of_power",
            )
        else:  # SPU supervises, suspended
            ev(5, "criminal_case_opened", "PROS_REGIONAL", qualification="torture")
            ev(6, "spu_involved", "SPU", detail="supervising", trigger="ex_officio")
            ev(60, "investigation_suspended", "PROS_REGIONAL", detail="perpetrator_unidentified")
    # the importer refuses dates in the future: the latest cases' later events have not happened
    today = _d(date.today())
    events = [e for e in events if str(e["event_date"]) <= today]
    for e in events:
        if e["victim_informed_date"] and str(e["victim_informed_date"]) > today:
            e["victim_informed_date"] = None
    return pl.DataFrame(cases, schema=CASE_SCHEMA), pl.DataFrame(events, schema=EVENT_SCHEMA)


def load_demo(engine: Engine, *, n: int = 60, examples: Path | None = None) -> None:
    """Import the spec's examples (when `examples` is given) and `n` synthetic cases."""
    from dashboard.data.importer import ContractFrames, import_files, import_frames

    if examples is not None:
        import_files(engine, [examples / "cases.csv", examples / "events.csv"], actor="test")
    cases, events = demo_frames(n)
    import_frames(engine, ContractFrames(cases=cases, events=events), actor="test")
