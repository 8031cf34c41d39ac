"""Random but contract-shaped cases and events for benchmarks (fixed seed, vectorised).

The histories are not realistic, only plausible enough to exercise every branch of the engine:
all event types, imprecise dates, hand-offs, victim_informed dates, SPU triggers.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from dashboard.data.contract import (
    AGENCY_CODES,
    ALLEGATIONS,
    CASE_SCHEMA,
    COMPLAINT_CHANNEL,
    DETAIL_VALUES,
    EVENT_SCHEMA,
    EVENT_TYPES,
    HARM,
    MEDICAL_EVIDENCE,
    PLACE_TYPE,
    QUALIFICATION,
    TRIGGERS,
    VICTIM_STATUS,
    region_codes,
)

EPOCH = date(2010, 1, 1)
#: no generated date lies after this day, so the data is valid as of 2026-12-02 and later (the
#: contract refuses future dates); histories that would run on stop there
LAST_DAY = date(2026, 11, 30)


def _pick(rng: np.random.Generator, values: tuple[str, ...], n: int) -> pl.Series:
    return pl.Series(
        np.asarray(values, dtype=object)[rng.integers(0, len(values), n)], dtype=pl.String
    )


def _dates(days: np.ndarray, rng: np.random.Generator, day_share: float = 0.92) -> pl.Series:
    """Days after EPOCH -> contract date strings, some with month or year precision only."""
    offset = (EPOCH - date(1970, 1, 1)).days
    days = np.minimum(days, (LAST_DAY - EPOCH).days)
    d = pl.Series(days + offset, dtype=pl.Int32).cast(pl.Date)
    text = d.dt.to_string("%Y-%m-%d")
    u = rng.random(len(days))
    return (
        pl.DataFrame({"t": text, "u": u})
        .select(
            pl.when(pl.col("u") < day_share)
            .then(pl.col("t"))
            .when(pl.col("u") < day_share + (1 - day_share) * 0.75)
            .then(pl.col("t").str.slice(0, 7))
            .otherwise(pl.col("t").str.slice(0, 4))
        )
        .to_series()
    )


def generate(
    n_cases: int, n_events: int, seed: int = 20150930
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(cases, events) in the canonical schema; exactly n_cases and n_events rows."""
    rng = np.random.default_rng(seed)
    complaint_days = rng.integers(0, 14 * 365, n_cases)
    alleg = _pick(rng, ALLEGATIONS, n_cases)
    extra = _pick(rng, ALLEGATIONS, n_cases)
    cases = pl.DataFrame(
        {
            "case_id": [f"SYN-{i:07d}" for i in range(n_cases)],
            "region": _pick(rng, region_codes(), n_cases),
            "victim_status": _pick(rng, VICTIM_STATUS, n_cases),
            "incident_date": _dates(complaint_days - rng.integers(0, 30, n_cases), rng),
            "place_type": _pick(rng, PLACE_TYPE, n_cases),
            "accused_agency": _pick(rng, ("MVD_POLICE", "MVD_PENAL", "KNB", "ACA"), n_cases),
            "allegations": pl.Series(
                np.where(
                    rng.random(n_cases) < 0.3, (alleg + ";" + extra).to_numpy(), alleg.to_numpy()
                ),
                dtype=pl.String,
            ),
            "harm": _pick(rng, HARM, n_cases),
            "medical_evidence": _pick(rng, MEDICAL_EVIDENCE, n_cases),
            "complaint_date": _dates(complaint_days, rng),
            "complaint_channel": _pick(rng, COMPLAINT_CHANNEL, n_cases),
            "synthetic": np.ones(n_cases, dtype=bool),
        }
    )
    cases = cases.select(
        [
            pl.col(c) if c in cases.columns else pl.lit(None, dtype=t).alias(c)
            for c, t in CASE_SCHEMA.items()
        ]
    ).cast(CASE_SCHEMA)  # type: ignore[arg-type]

    counts = rng.multinomial(n_events - n_cases, np.full(n_cases, 1 / n_cases)) + 1
    owner = np.repeat(np.arange(n_cases), counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    seq = np.arange(n_events) - starts + 1
    gaps = rng.exponential(45, n_events).astype(np.int64)
    gaps[seq == 1] = 0
    csum = np.cumsum(gaps)
    day = complaint_days[owner] + csum - np.repeat(csum[np.cumsum(counts) - counts], counts)
    weights = np.array(
        [
            8
            if t in ("screening_started", "referred", "refusal_to_open", "decision_overturned")
            else 3
            for t in EVENT_TYPES
        ],
        dtype=float,
    )
    weights[EVENT_TYPES.index("complaint_lodged")] = 0
    types = np.asarray(EVENT_TYPES, dtype=object)[
        rng.choice(len(EVENT_TYPES), n_events, p=weights / weights.sum())
    ]
    types[seq == 1] = "complaint_lodged"
    et = pl.Series(types, dtype=pl.String)
    u = rng.random(n_events)
    detail_pick = rng.integers(0, 5, n_events)
    detail = pl.Series(
        [
            None if t not in DETAIL_VALUES else DETAIL_VALUES[t][k % len(DETAIL_VALUES[t])]
            for t, k in zip(types.tolist(), detail_pick.tolist(), strict=True)
        ],
        dtype=pl.String,
    )
    events = pl.DataFrame(
        {
            "case_id": cases["case_id"].gather(owner),
            "seq": seq.astype(np.int64),
            "event_date": _dates(day, rng, 0.95),
            "event_type": et,
            "agency": _pick(rng, AGENCY_CODES, n_events),
            "to_agency": _pick(rng, AGENCY_CODES, n_events),
            "qualification": _pick(rng, QUALIFICATION, n_events),
            "detail": detail,
            "trigger": _pick(rng, TRIGGERS[:-1], n_events),
            "victim_informed_date": _dates(day + rng.integers(0, 90, n_events), rng),
            "u": u,
        }
    ).with_columns(
        pl.when(pl.col("u") < 0.3).then(pl.col("to_agency")).alias("to_agency"),
        pl.when(
            pl.col("event_type").is_in(["criminal_case_opened", "requalified"])
            | ((pl.col("event_type") == "verdict") & (pl.col("u") < 0.5))
        )
        .then(pl.col("qualification"))
        .alias("qualification"),
        pl.when((pl.col("event_type") == "spu_involved") & (pl.col("u") < 0.7))
        .then(pl.col("trigger"))
        .alias("trigger"),
        pl.when(
            pl.col("event_type").is_in(
                ["refusal_to_open", "investigation_suspended", "investigation_terminated"]
            )
            & (pl.col("u") < 0.6)
        )
        .then(pl.col("victim_informed_date"))
        .alias("victim_informed_date"),
    )
    events = events.select(
        [
            pl.col(c) if c in events.columns else pl.lit(None, dtype=t).alias(c)
            for c, t in EVENT_SCHEMA.items()
        ]
    ).cast(EVENT_SCHEMA)  # type: ignore[arg-type]
    return cases, events
