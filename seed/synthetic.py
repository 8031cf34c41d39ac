"""Synthetic demonstration cases that follow the patterns of Dead End Justice (2016).

Every case is flagged `synthetic=true`, has an invented id (`SYN-2014-00123`), no victim name
and no real person or organisation in it. The mix follows the report: most procedural
complaints are screened by the accused agency's own internal investigations and refused; appeals
bounce between prosecutors and MVD internal investigations ("ping-pong"); criminal cases stall,
get suspended as "perpetrator unidentified" or terminated; the SPU comes in rarely and mostly
when a lawyer, a court or the media push; few cases reach court, and convictions end in
suspended sentences, fines or amnesties more often than in prison.

The generator is a vectorised state machine: every step draws the next event of all cases still
moving at once (numpy), so 100,000 cases take a few seconds.

>>> cases, events = generate(50, seed=1)
>>> cases.height, cases["synthetic"].all()
(50, True)

Plausible ranges of the indicators over the whole set (as of the generation day), checked by
tests/test_synthetic.py; see PLAUSIBLE_RANGES.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from dashboard.data import contract as c

#: the generation day: no event is dated after it
TODAY = date(2026, 11, 24)
FIRST_COMPLAINT = date(2010, 1, 1)
LAST_COMPLAINT = date(2026, 10, 31)
#: the new Criminal Procedure Code: a crime report opens a criminal case at once
NEW_CPC = date(2015, 1, 1)

#: indicator -> (low, high) expected over a generated set (both ends included; None = open).
#: Tested (tests/test_synthetic.py) on 2,000 and 20,000 cases with several seeds.
PLAUSIBLE_RANGES: dict[str, tuple[float | None, float | None]] = {
    "reclassification_rate": (0.05, 0.25),
    "prompt_reclassification_rate": (0.0, 0.08),
    "spu_involvement_rate": (0.03, 0.20),
    "spu_reactive_share": (0.50, 1.0),
    "spu_lead_rate": (0.01, 0.10),
    "torture_qualification_rate": (0.15, 0.50),
    "prosecution_rate": (0.01, 0.08),
    "conviction_share": (0.005, 0.05),
    "custodial_share_of_convicted": (0.15, 0.60),
    "stagnant_share": (0.60, 1.0),
    "median_stagnation_days": (90, None),
    "pingpong_share": (0.003, 0.10),
    "same_family_share": (0.40, 0.85),
    "timely_information_rate": (0.20, 0.70),
}

_EPOCH = date(1970, 1, 1).toordinal()
_TODAY = TODAY.toordinal() - _EPOCH
_NEW_CPC = NEW_CPC.toordinal() - _EPOCH

# --- vocabularies as integer codes --------------------------------------------------------------

_ET = {name: i for i, name in enumerate(c.EVENT_TYPES)}
_AG = {name: i for i, name in enumerate(c.AGENCY_CODES)}
_QUAL = {name: i for i, name in enumerate(c.QUALIFICATION)}
_DETAILS: tuple[str, ...] = tuple(sorted({d for v in c.DETAIL_VALUES.values() for d in v}))
_DET = {name: i for i, name in enumerate(_DETAILS)}
_TRIG = {name: i for i, name in enumerate(c.TRIGGERS)}
NONE = -1

# regions: heavier weight where the report's cases come from (Kostanay, Almaty, Astana, Karaganda)
_REGION_WEIGHTS = {
    "KZ-39": 3.0,
    "KZ-75": 2.5,
    "KZ-71": 2.0,
    "KZ-35": 2.0,
    "KZ-19": 1.5,
    "KZ-63": 1.5,
    "KZ-55": 1.5,
    "KZ-79": 1.5,
    "KZ-47": 1.2,
}
_CHANNELS = (
    ("procedural_complaint", 0.36),
    ("crime_report", 0.24),
    ("internal_complaint", 0.12),
    ("pmc", 0.06),
    ("npm_ombudsman", 0.04),
    ("raised_in_court", 0.09),
    ("ex_officio", 0.04),
    ("media", 0.05),
)
_ALLEGATION_P = {
    "beating": 0.78,
    "threats": 0.40,
    "psychological": 0.30,
    "asphyxiation": 0.12,
    "deprivation": 0.10,
    "burns": 0.05,
    "sexual_violence": 0.05,
    "other": 0.04,
}
_NGOS = tuple(f"Demo human rights group {k}" for k in "ABCDEF")

# case states of the simulation (not the indicator states)
(
    LODGED,
    REFERRED,
    SCREENING,
    REFUSED,
    APPEALED,
    UPHELD,
    SPU_PRE,
    INVEST,
    NEG_INV,
    APPEAL_INV,
    COURT,
    TRIAL,
    CONVICTED,
    SENTENCED,
    APPEAL_V,
    DONE,
) = range(16)


def _days(d: date) -> int:
    return d.toordinal() - _EPOCH


def _pick(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One draw per row of a (n, k) probability matrix (rows need not sum to exactly 1)."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(probs.shape[0]) * cum[:, -1]
    return (u[:, None] >= cum).sum(axis=1)


def _choice(rng: np.random.Generator, n: int, options: tuple[str, ...], p: list[float]):
    pa = np.asarray(p, dtype=float)
    return rng.choice(len(options), size=n, p=pa / pa.sum())


def _gap(rng: np.random.Generator, n: int, mean: float, shape: float = 1.6) -> np.ndarray:
    """Whole days, gamma distributed (long right tail), at least 1."""
    return np.maximum(1, rng.gamma(shape, mean / shape, size=n).round().astype(np.int64))


class _Sim:
    """Arrays of the case attributes and the events emitted so far."""

    def __init__(self, rng: np.random.Generator, n: int):
        self.rng = rng
        self.n = n
        self.cols: dict[str, list[np.ndarray]] = {
            k: []
            for k in (
                "case",
                "date",
                "type",
                "agency",
                "to",
                "qual",
                "detail",
                "trigger",
                "informed",
            )
        }
        self.state = np.full(n, LODGED, dtype=np.int64)
        self.t = np.zeros(n, dtype=np.int64)
        self.active = np.ones(n, dtype=bool)

    def emit(
        self,
        idx: np.ndarray,
        etype: int | np.ndarray,
        agency: int | np.ndarray,
        gap: np.ndarray | int,
        *,
        to: int | np.ndarray = NONE,
        qual: int | np.ndarray = NONE,
        detail: int | np.ndarray = NONE,
        trigger: int | np.ndarray = NONE,
        informed: np.ndarray | None = None,
        next_state: int | np.ndarray | None = None,
    ) -> np.ndarray:
        """Emit one event for the cases `idx` at t + gap; cases whose date would pass TODAY stop
        where they are (still in their state). Returns the indices that did emit."""
        m = idx.size
        if m == 0:
            return idx
        when = self.t[idx] + np.broadcast_to(np.asarray(gap, dtype=np.int64), (m,))
        ok = when <= _TODAY
        self.active[idx[~ok]] = False
        sel = idx[ok]
        if sel.size == 0:
            return sel

        def arr(v: int | np.ndarray) -> np.ndarray:
            return np.broadcast_to(np.asarray(v, dtype=np.int64), (m,))[ok]

        self.cols["case"].append(sel)
        self.cols["date"].append(when[ok])
        self.cols["type"].append(arr(etype))
        self.cols["agency"].append(arr(agency))
        self.cols["to"].append(arr(to))
        self.cols["qual"].append(arr(qual))
        self.cols["detail"].append(arr(detail))
        self.cols["trigger"].append(arr(trigger))
        inf = np.full(m, NONE, dtype=np.int64) if informed is None else informed
        self.cols["informed"].append(np.asarray(inf, dtype=np.int64)[ok])
        self.t[sel] = when[ok]
        if next_state is not None:
            self.state[sel] = arr(next_state)
        return sel

    def stop(self, idx: np.ndarray) -> None:
        self.active[idx] = False


def generate(n: int = 2000, seed: int = 2016) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`n` synthetic cases and their events as canonical contract frames (CASE_SCHEMA,
    EVENT_SCHEMA). The same (n, seed) always gives the same frames."""
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = np.random.default_rng(seed)
    cases = _case_attributes(rng, n)
    sim = _Sim(rng, n)
    _simulate(sim, cases)
    events = _events_frame(sim, cases, rng)
    return _cases_frame(cases, rng, seed), events


# --- cases -----------------------------------------------------------------------------------


def _case_attributes(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    codes = c.region_codes()
    rw = np.array([_REGION_WEIGHTS.get(code, 1.0) for code in codes])
    region = rng.choice(len(codes), size=n, p=rw / rw.sum())
    # every region appears at least once when n >= 20
    if n >= len(codes):
        region[: len(codes)] = rng.permutation(len(codes))

    # complaint dates: by year with mild growth, uniform within the year, none after LAST_COMPLAINT
    years = np.arange(FIRST_COMPLAINT.year, LAST_COMPLAINT.year + 1)
    yw = 1.0 + 0.04 * (years - years[0])
    yw[-1] *= 10 / 12  # 2026 ends in October
    year = rng.choice(years, size=n, p=yw / yw.sum())
    start = np.array([_days(date(int(y), 1, 1)) for y in years])
    end = np.array([_days(min(date(int(y), 12, 31), LAST_COMPLAINT)) for y in years])
    k = year - years[0]
    complaint = start[k] + (rng.random(n) * (end[k] - start[k] + 1)).astype(np.int64)
    lag = np.where(rng.random(n) < 0.25, 0, np.minimum(365, _gap(rng, n, 12, 1.1)))
    incident = complaint - lag

    channel = _choice(rng, n, tuple(ch for ch, _ in _CHANNELS), [p for _, p in _CHANNELS])
    ch_name = np.array([ch for ch, _ in _CHANNELS])[channel]
    # the NPM exists from 2014 on
    early = complaint < _days(date(2014, 1, 1))
    ch_name = np.where((ch_name == "npm_ombudsman") & early, "pmc", ch_name)

    prison = (ch_name == "internal_complaint") | (
        np.isin(ch_name, ["pmc", "npm_ombudsman"]) & (rng.random(n) < 0.7)
    )
    accused = np.where(
        prison,
        "MVD_PENAL",
        np.array(["MVD_POLICE", "KNB", "ACA", "OTHER"])[
            _choice(rng, n, ("p", "k", "a", "o"), [0.90, 0.04, 0.03, 0.03])
        ],
    )
    status = np.where(
        prison,
        "convicted_prisoner",
        np.array(["suspect", "accused", "administrative_detainee", "witness", "free_person"])[
            _choice(rng, n, ("s", "a", "ad", "w", "f"), [0.45, 0.22, 0.12, 0.08, 0.13])
        ],
    )
    status = np.where(ch_name == "raised_in_court", "accused", status)
    status = np.where(
        (ch_name == "procedural_complaint") & ~np.isin(status, ["suspect", "accused"]),
        "suspect",
        status,
    )
    place = np.select(
        [
            status == "convicted_prisoner",
            status == "administrative_detainee",
            status == "free_person",
        ],
        [
            np.where(rng.random(n) < 0.85, "penal_colony", "pretrial_detention"),
            np.full(n, "administrative_detention"),
            np.where(rng.random(n) < 0.6, "public_place", "police_station"),
        ],
        default=np.array(
            ["police_station", "temporary_detention", "pretrial_detention", "unofficial_place"]
        )[_choice(rng, n, ("a", "b", "c", "d"), [0.55, 0.25, 0.12, 0.08])],
    )
    unregistered = np.where(
        np.isin(place, ["police_station", "unofficial_place"]),
        np.where(rng.random(n) < 0.35, "true", "false"),
        "",
    )
    harm = np.array(c.HARM)[_choice(rng, n, c.HARM, [0.02, 0.10, 0.50, 0.38])]
    ch_name = np.where((harm == "death") & (rng.random(n) < 0.6), "ex_officio", ch_name)
    medical = np.array(c.MEDICAL_EVIDENCE)[
        _choice(rng, n, c.MEDICAL_EVIDENCE, [0.45, 0.25, 0.20, 0.10])
    ]
    medical = np.where(harm == "none_documented", "none", medical)
    lawyer = rng.random(n) < np.where(ch_name == "raised_in_court", 0.7, 0.4)
    ngo_pick = rng.integers(0, len(_NGOS), size=n)
    ngo = np.where(rng.random(n) < 0.3, np.array(_NGOS)[ngo_pick], "")
    sex = np.array(["male", "female", "unknown"])[
        _choice(rng, n, ("m", "f", "u"), [0.90, 0.08, 0.02])
    ]
    age = np.clip(np.round(rng.normal(32, 10, size=n)), 14, 75).astype(np.int64)
    age_known = rng.random(n) < 0.8
    return {
        "region": np.array(codes)[region],
        "complaint": complaint,
        "incident": incident,
        "channel": ch_name,
        "accused": accused,
        "status": status,
        "place": place,
        "unregistered": unregistered,
        "harm": harm,
        "medical": medical,
        "lawyer": lawyer,
        "ngo": ngo,
        "sex": sex,
        "age": np.where(age_known, age, -1),
        "allegations": _allegations(rng, n),
    }


def _allegations(rng: np.random.Generator, n: int) -> np.ndarray:
    names = list(_ALLEGATION_P)
    hits = rng.random((n, len(names))) < np.array([_ALLEGATION_P[a] for a in names])
    hits[~hits.any(axis=1), 0] = True  # at least one allegation (beating)
    frame = pl.DataFrame({a: hits[:, i] for i, a in enumerate(names)}).select(
        pl.when(pl.col(a)).then(pl.lit(a)).alias(a) for a in names
    )
    ordered = [a for a in c.ALLEGATIONS if a in names]
    return (
        frame.select(pl.concat_str(ordered, separator=";", ignore_nulls=True).alias("a"))
        .to_series()
        .to_numpy()
    )


def _date_text(days: pl.Expr) -> pl.Expr:
    return (days.cast(pl.Int32).cast(pl.Date)).dt.strftime("%Y-%m-%d")


def _cases_frame(cases: dict[str, np.ndarray], rng: np.random.Generator, seed: int) -> pl.DataFrame:
    n = cases["complaint"].size
    # a minority of imprecise dates; coarsened only where the interval still starts before
    # the complaint, so the incident never ends up "after" it under either reading
    u = rng.random(n)
    df = pl.DataFrame(
        {
            "incident_days": cases["incident"],
            "complaint_days": cases["complaint"],
            "u": u,
            "uc": rng.random(n),
        }
    ).with_columns(
        inc=_date_text(pl.col("incident_days")),
        com=_date_text(pl.col("complaint_days")),
    )
    df = df.with_columns(
        incident_date=pl.when(
            (pl.col("u") < 0.02) & (pl.col("inc").str.slice(0, 4) < pl.col("com").str.slice(0, 4))
        )
        .then(pl.col("inc").str.slice(0, 4))
        .when(
            (pl.col("u") < 0.10) & (pl.col("inc").str.slice(0, 7) < pl.col("com").str.slice(0, 7))
        )
        .then(pl.col("inc").str.slice(0, 7))
        .otherwise(pl.col("inc")),
        complaint_date=pl.when(pl.col("uc") < 0.03)
        .then(pl.col("com").str.slice(0, 7))
        .otherwise(pl.col("com")),
    )
    blank = pl.lit(None, dtype=pl.String)
    frame = pl.DataFrame(
        {
            "case_id": _case_ids(cases),
            "region": cases["region"],
            "victim_sex": cases["sex"],
            "victim_age": pl.Series(cases["age"]).replace(-1, None),
            "victim_status": cases["status"],
            "place_type": cases["place"],
            "unregistered_detention": cases["unregistered"],
            "accused_agency": cases["accused"],
            "allegations": cases["allegations"],
            "harm": cases["harm"],
            "medical_evidence": cases["medical"],
            "lawyer": cases["lawyer"],
            "ngo": cases["ngo"],
            "complaint_channel": cases["channel"],
        },
        strict=False,
    ).with_columns(
        incident_date=df["incident_date"],
        complaint_date=df["complaint_date"],
        victim_name=blank,
        identity_public=pl.lit(False),
        unregistered_detention=pl.when(pl.col("unregistered_detention") == "")
        .then(pl.lit(None, dtype=pl.Boolean))
        .otherwise(pl.col("unregistered_detention") == "true"),
        ngo=pl.when(pl.col("ngo") == "").then(blank).otherwise(pl.col("ngo")),
        summary=pl.format(
            "Synthetic demonstration case: {} against {}.",
            pl.col("complaint_channel").str.replace_all("_", " "),
            pl.col("accused_agency"),
        ),
        source=pl.lit(f"synthetic demonstration data (seed/synthetic.py, seed {seed})"),
        synthetic=pl.lit(True),
    )
    return frame.select(pl.col(name).cast(dtype) for name, dtype in c.CASE_SCHEMA.items())


# --- the procedural simulation ------------------------------------------------------------------


def _informed(rng: np.random.Generator, m: int, when: np.ndarray) -> np.ndarray:
    """victim_informed_date (days) for negative decisions: known for ~55 %, late for most."""
    known = rng.random(m) < 0.55
    prompt = rng.random(m) < 0.45
    delay = np.where(prompt, rng.integers(0, 31, size=m), 31 + _gap(rng, m, 90))
    out = when + delay
    return np.where(known & (out <= _TODAY), out, NONE)


def _simulate(sim: _Sim, cases: dict[str, np.ndarray]) -> None:  # noqa: C901, PLR0915
    rng = sim.rng
    n = sim.n
    ch = cases["channel"]
    lawyer = cases["lawyer"]
    accused = cases["accused"]
    serious = np.isin(cases["harm"], ["death", "serious_injury"])
    new_cpc = cases["complaint"] >= _NEW_CPC
    sim.t[:] = cases["complaint"]

    # who screens the complaint: mostly the accused agency's own internal investigations
    police = accused == "MVD_POLICE"
    screener = np.where(
        accused == "MVD_PENAL",
        np.where(rng.random(n) < 0.6, _AG["MVD_PENAL"], _AG["MVD_IID"]),
        np.where(
            police,
            np.array([_AG["MVD_IID"], _AG["PROS_LOCAL"], _AG["ACA"]])[
                _choice(rng, n, ("i", "p", "a"), [0.70, 0.22, 0.08])
            ],
            np.where(rng.random(n) < 0.5, _AG["PROS_LOCAL"], _AG["MVD_IID"]),
        ),
    )
    # who investigates a criminal case: ACA for police (the 2011 rule), often MVD anyway
    investigator = np.where(
        police | (accused == "MVD_PENAL"),
        np.array([_AG["ACA"], _AG["MVD_IID"], _AG["MVD_POLICE"]])[
            _choice(rng, n, ("a", "i", "p"), [0.40, 0.45, 0.15])
        ],
        _AG["MVD_POLICE"],
    )
    lodged_with = np.select(
        [ch == "internal_complaint", ch == "pmc", ch == "npm_ombudsman", ch == "raised_in_court"],
        [_AG["MVD_PENAL"], _AG["PMC"], _AG["OMBUDSMAN"], _AG["COURT"]],
        default=np.where(rng.random(n) < 0.7, _AG["PROS_LOCAL"], _AG["PROS_REGIONAL"]),
    )
    spu_done = np.zeros(n, dtype=bool)
    retaliation = rng.random(n) < np.where(cases["status"] == "convicted_prisoner", 0.08, 0.03)
    appeals = np.zeros(n, dtype=np.int64)

    # step 0: the complaint itself, on complaint_date (ex officio cases have no complaint event)
    idx = np.nonzero(ch != "ex_officio")[0]
    sim.emit(idx, _ET["complaint_lodged"], lodged_with[idx], 0)
    ret = np.nonzero(retaliation)[0]
    accused_code = np.array([_AG[a] for a in accused[ret]], dtype=np.int64)
    sim.emit(ret, _ET["retaliation_reported"], accused_code, _gap(rng, ret.size, 20))
    pris = ret[cases["status"][ret] == "convicted_prisoner"]
    sim.emit(pris, _ET["transfer_requested"], _AG["NGO"], _gap(rng, pris.size, 10))

    def spu(idx: np.ndarray, trig_p: list[float], gap_mean: float) -> np.ndarray:
        """An spu_involved event; trigger probabilities over TRIGGERS order."""
        m = idx.size
        trig = _choice(rng, m, c.TRIGGERS, trig_p)
        mode = np.where(rng.random(m) < 0.35, _DET["investigating"], _DET["supervising"])
        out = sim.emit(
            idx, _ET["spu_involved"], _AG["SPU"], _gap(rng, m, gap_mean), detail=mode, trigger=trig
        )
        spu_done[out] = True
        return out

    # trigger mixes (order of contract.TRIGGERS: ex_officio, pgo_instruction, prosecutor_referral,
    # lawyer_request, court_order, media, unknown)
    reactive_mix = [0.02, 0.04, 0.08, 0.55, 0.18, 0.10, 0.03]
    proactive_mix = [0.35, 0.25, 0.30, 0.0, 0.0, 0.0, 0.10]

    steps: dict[int, Callable[[np.ndarray], None]] = {}

    def lodged(idx: np.ndarray) -> None:
        m = idx.size
        sub_ch = ch[idx]
        p_open = np.select(
            [
                sub_ch == "procedural_complaint",
                (sub_ch == "crime_report") & new_cpc[idx],
                sub_ch == "crime_report",
                sub_ch == "ex_officio",
                sub_ch == "media",
                np.isin(sub_ch, ["pmc", "npm_ombudsman"]),
            ],
            [0.05, 0.75, 0.25, 0.85, 0.45, 0.25],
            default=0.06,
        )
        p_spu = np.where(sub_ch == "media", 0.25, np.where(serious[idx], 0.04, 0.004))
        p_ref = np.where(screener[idx] == _AG["PROS_LOCAL"], 0.0, 0.85) * (1 - p_open - p_spu)
        p_scr = 1 - p_open - p_spu - p_ref
        k = _pick(rng, np.column_stack([p_open, p_spu, p_ref, p_scr]))
        o = idx[k == 0]
        prompt = rng.random(o.size) < 0.45
        gap = np.where(prompt, rng.integers(0, 4, size=o.size), 3 + _gap(rng, o.size, 20))
        sim.emit(
            o,
            _ET["criminal_case_opened"],
            np.where(ch[o] == "ex_officio", _AG["PROS_LOCAL"], lodged_with[o]),
            gap,
            to=investigator[o],
            qual=_qualification(rng, o.size),
            next_state=INVEST,
        )
        s = idx[k == 1]
        mix = np.where((ch[s] == "media")[:, None], [[0, 0, 0, 0, 0, 1, 0]], [proactive_mix])
        trig = _pick(rng, mix)
        mode = np.where(rng.random(s.size) < 0.4, _DET["investigating"], _DET["supervising"])
        out = sim.emit(
            s,
            _ET["spu_involved"],
            _AG["SPU"],
            _gap(rng, s.size, 10),
            detail=mode,
            trigger=trig,
            next_state=SPU_PRE,
        )
        spu_done[out] = True
        r = idx[k == 2]
        sim.emit(
            r,
            _ET["referred"],
            lodged_with[r],
            _gap(rng, r.size, 5),
            to=screener[r],
            next_state=REFERRED,
        )
        q = idx[k == 3]
        sim.emit(
            q, _ET["screening_started"], screener[q], _gap(rng, q.size, 4), next_state=SCREENING
        )
        _ = m

    def referred(idx: np.ndarray) -> None:
        sim.emit(
            idx,
            _ET["screening_started"],
            screener[idx],
            _gap(rng, idx.size, 6),
            next_state=SCREENING,
        )

    def screening(idx: np.ndarray) -> None:
        k = _pick(rng, np.tile([0.80, 0.06, 0.14], (idx.size, 1)))
        r = idx[k == 0]
        g = _gap(rng, r.size, 45)
        when = sim.t[r] + g
        det = np.array([_DET["no_crime"], _DET["insufficient_evidence"], NONE])[
            _choice(rng, r.size, ("a", "b", "c"), [0.55, 0.35, 0.10])
        ]
        sim.emit(
            r,
            _ET["refusal_to_open"],
            screener[r],
            g,
            detail=det,
            informed=_informed(rng, r.size, when),
            next_state=REFUSED,
        )
        o = idx[k == 1]
        sim.emit(
            o,
            _ET["criminal_case_opened"],
            np.where(screener[o] == _AG["PROS_LOCAL"], _AG["PROS_LOCAL"], _AG["PROS_REGIONAL"]),
            _gap(rng, o.size, 40),
            to=investigator[o],
            qual=_qualification(rng, o.size),
            next_state=INVEST,
        )
        sim.stop(idx[k == 2])  # stuck in screening: no decision ever recorded

    def refused(idx: np.ndarray) -> None:
        p = np.where(lawyer[idx], 0.70, 0.18) * np.power(0.9, appeals[idx])
        go = rng.random(idx.size) < p
        a = idx[go]
        to = np.array([_AG["PROS_LOCAL"], _AG["PROS_REGIONAL"], _AG["COURT"], _AG["PGO"]])[
            _choice(rng, a.size, ("l", "r", "c", "g"), [0.35, 0.40, 0.15, 0.10])
        ]
        sim.emit(a, _ET["appeal_lodged"], to, _gap(rng, a.size, 25), next_state=APPEALED)
        appeals[a] += 1
        sim.stop(idx[~go])

    def appealed(idx: np.ndarray) -> None:
        law = lawyer[idx]
        p_spu = np.where(law & ~spu_done[idx], 0.10, 0.0)
        p_open = np.full(idx.size, 0.10)
        p_over = np.full(idx.size, 0.45)
        p_up = 1 - p_spu - p_open - p_over
        k = _pick(rng, np.column_stack([p_spu, p_open, p_over, p_up]))
        s = idx[k == 0]
        out = spu(s, reactive_mix, 30)
        sim.state[out] = SPU_PRE
        o = idx[k == 1]
        sim.emit(
            o,
            _ET["criminal_case_opened"],
            _AG["PROS_REGIONAL"],
            _gap(rng, o.size, 40),
            to=investigator[o],
            qual=_qualification(rng, o.size),
            next_state=INVEST,
        )
        v = idx[k == 2]
        # sent back for "additional checks", mostly to the same internal investigations
        back = np.where(rng.random(v.size) < 0.75, screener[v], _AG["ACA"])
        sim.emit(
            v,
            _ET["decision_overturned"],
            _AG["PROS_REGIONAL"],
            _gap(rng, v.size, 40),
            to=back,
            next_state=SCREENING,
        )
        u = idx[k == 3]
        sim.emit(
            u,
            _ET["decision_upheld"],
            _AG["PROS_REGIONAL"],
            _gap(rng, u.size, 35),
            next_state=UPHELD,
        )

    def upheld(idx: np.ndarray) -> None:
        p = np.where(lawyer[idx], 0.30, 0.05) * np.power(0.7, appeals[idx])
        go = rng.random(idx.size) < p
        a = idx[go]
        to = np.where(rng.random(a.size) < 0.5, _AG["COURT"], _AG["PGO"])
        sim.emit(a, _ET["appeal_lodged"], to, _gap(rng, a.size, 30), next_state=APPEALED)
        appeals[a] += 1
        rest = idx[~go]
        un = rest[lawyer[rest] & (rng.random(rest.size) < 0.03)]
        sim.emit(
            un, _ET["international_submission"], _AG["UN"], _gap(rng, un.size, 200), next_state=DONE
        )
        sim.stop(rest)

    def spu_pre(idx: np.ndarray) -> None:
        go = rng.random(idx.size) < 0.65
        o = idx[go]
        sim.emit(
            o,
            _ET["criminal_case_opened"],
            _AG["SPU"],
            _gap(rng, o.size, 15),
            to=np.where(rng.random(o.size) < 0.5, _AG["SPU"], investigator[o]),
            qual=np.where(rng.random(o.size) < 0.6, _QUAL["torture"], _QUAL["abuse_of_power"]),
            next_state=INVEST,
        )
        r = idx[~go]
        sim.emit(
            r,
            _ET["referred"],
            _AG["SPU"],
            _gap(rng, r.size, 10),
            to=screener[r],
            next_state=REFERRED,
        )

    def invest(idx: np.ndarray) -> None:
        m = idx.size
        spu_in = spu_done[idx]
        p_court = np.where(spu_in, 0.30, 0.045)
        p_spu = np.where(~spu_in & (lawyer[idx] | serious[idx]), 0.04, 0.0)
        p_q = np.full(m, 0.12)
        p_req = np.full(m, 0.03)
        p_ref = np.full(m, 0.05)
        p_stuck = np.full(m, 0.14)
        p_susp = np.full(m, 0.30)
        p_term = 1 - p_court - p_spu - p_q - p_req - p_ref - p_stuck - p_susp
        k = _pick(
            rng, np.column_stack([p_court, p_spu, p_q, p_req, p_ref, p_stuck, p_susp, p_term])
        )
        a = idx[k == 0]
        sim.emit(
            a,
            _ET["indictment_to_court"],
            np.where(spu_done[a], _AG["SPU"], _AG["PROS_REGIONAL"]),
            _gap(rng, a.size, 150),
            to=_AG["COURT"],
            next_state=COURT,
        )
        s = idx[k == 1]
        spu(s, reactive_mix, 60)
        q = idx[k == 2]
        sim.emit(q, _ET["victim_questioned"], investigator[q], _gap(rng, q.size, 60))
        r = idx[k == 3]
        sim.emit(
            r,
            _ET["requalified"],
            _AG["PROS_REGIONAL"],
            _gap(rng, r.size, 90),
            qual=np.where(rng.random(r.size) < 0.6, _QUAL["torture"], _QUAL["abuse_of_power"]),
        )
        f = idx[k == 4]
        other = np.where(investigator[f] == _AG["ACA"], _AG["MVD_IID"], _AG["ACA"])
        sim.emit(f, _ET["referred"], _AG["PROS_REGIONAL"], _gap(rng, f.size, 90), to=other)
        sim.stop(idx[k == 5])  # "stuck" with the investigating agency
        u = idx[k == 6]
        g = _gap(rng, u.size, 150)
        sim.emit(
            u,
            _ET["investigation_suspended"],
            investigator[u],
            g,
            detail=np.where(
                rng.random(u.size) < 0.8, _DET["perpetrator_unidentified"], _DET["other"]
            ),
            informed=_informed(rng, u.size, sim.t[u] + g),
            next_state=NEG_INV,
        )
        t = idx[k == 7]
        g = _gap(rng, t.size, 180)
        det = np.array(
            [_DET["no_crime"], _DET["insufficient_evidence"], _DET["reconciliation"], _DET["other"]]
        )[_choice(rng, t.size, ("n", "i", "r", "o"), [0.40, 0.45, 0.08, 0.07])]
        sim.emit(
            t,
            _ET["investigation_terminated"],
            investigator[t],
            g,
            detail=det,
            informed=_informed(rng, t.size, sim.t[t] + g),
            next_state=NEG_INV,
        )

    def neg_inv(idx: np.ndarray) -> None:
        p = np.where(lawyer[idx], 0.60, 0.12) * np.power(0.9, appeals[idx])
        go = rng.random(idx.size) < p
        a = idx[go]
        sim.emit(
            a,
            _ET["appeal_lodged"],
            np.where(rng.random(a.size) < 0.7, _AG["PROS_REGIONAL"], _AG["COURT"]),
            _gap(rng, a.size, 30),
            next_state=APPEAL_INV,
        )
        appeals[a] += 1
        sim.stop(idx[~go])

    def appeal_inv(idx: np.ndarray) -> None:
        p_spu = np.where(~spu_done[idx], 0.08, 0.0)
        p_res = np.full(idx.size, 0.50)
        k = _pick(rng, np.column_stack([p_spu, p_res, 1 - p_spu - p_res]))
        s = idx[k == 0]
        out = spu(s, reactive_mix, 30)
        sim.state[out] = INVEST
        r = idx[k == 1]
        kind = np.where(
            rng.random(r.size) < 0.5, _ET["investigation_resumed"], _ET["decision_overturned"]
        )
        sim.emit(
            r,
            kind,
            _AG["PROS_REGIONAL"],
            _gap(rng, r.size, 45),
            to=investigator[r],
            next_state=INVEST,
        )
        u = idx[k == 2]
        sim.emit(
            u, _ET["decision_upheld"], _AG["PROS_REGIONAL"], _gap(rng, u.size, 40), next_state=DONE
        )
        sim.stop(u)

    def court(idx: np.ndarray) -> None:
        sim.emit(idx, _ET["trial_started"], _AG["COURT"], _gap(rng, idx.size, 60), next_state=TRIAL)

    def trial(idx: np.ndarray) -> None:
        det = np.array([_DET["conviction"], _DET["acquittal"], _DET["dismissed"]])[
            _choice(rng, idx.size, ("c", "a", "d"), [0.70, 0.18, 0.12])
        ]
        out = sim.emit(
            idx,
            _ET["verdict"],
            _AG["COURT"],
            _gap(rng, idx.size, 90),
            detail=det,
            next_state=CONVICTED,
        )
        sim.state[out[det[np.isin(idx, out)] != _DET["conviction"]]] = DONE
        sim.stop(out[sim.state[out] == DONE])

    def convicted(idx: np.ndarray) -> None:
        sim.emit(
            idx,
            _ET["sentence"],
            _AG["COURT"],
            0,
            detail=_sentence(rng, idx.size),
            next_state=SENTENCED,
        )

    def sentenced(idx: np.ndarray) -> None:
        k = _pick(rng, np.tile([0.20, 0.15, 0.65], (idx.size, 1)))
        a = idx[k == 0]
        sim.emit(a, _ET["appeal_verdict"], _AG["COURT"], _gap(rng, a.size, 90), next_state=APPEAL_V)
        r = idx[k == 1]
        sim.emit(
            r, _ET["reparation_awarded"], _AG["COURT"], _gap(rng, r.size, 120), next_state=DONE
        )
        sim.stop(r)
        sim.stop(idx[k == 2])

    def appeal_v(idx: np.ndarray) -> None:
        sim.emit(
            idx, _ET["sentence"], _AG["COURT"], 0, detail=_sentence(rng, idx.size), next_state=DONE
        )
        sim.stop(idx)

    steps.update(
        {
            LODGED: lodged,
            REFERRED: referred,
            SCREENING: screening,
            REFUSED: refused,
            APPEALED: appealed,
            UPHELD: upheld,
            SPU_PRE: spu_pre,
            INVEST: invest,
            NEG_INV: neg_inv,
            APPEAL_INV: appeal_inv,
            COURT: court,
            TRIAL: trial,
            CONVICTED: convicted,
            SENTENCED: sentenced,
            APPEAL_V: appeal_v,
        }
    )
    for _ in range(60):
        act = np.nonzero(sim.active & (sim.state != DONE))[0]
        if act.size == 0:
            break
        states = sim.state[act].copy()
        for state, fn in steps.items():
            fn(act[states == state])


def _qualification(rng: np.random.Generator, m: int) -> np.ndarray:
    return np.array([_QUAL[q] for q in c.QUALIFICATION])[
        _choice(rng, m, c.QUALIFICATION, [0.28, 0.62, 0.05, 0.05])
    ]


def _sentence(rng: np.random.Generator, m: int) -> np.ndarray:
    names = ("custodial", "suspended", "restriction_of_liberty", "fine", "amnesty")
    return np.array([_DET[s] for s in names])[
        _choice(rng, m, names, [0.30, 0.32, 0.15, 0.10, 0.13])
    ]


def _events_frame(
    sim: _Sim, cases: dict[str, np.ndarray], rng: np.random.Generator
) -> pl.DataFrame:
    if not sim.cols["case"]:
        return c.empty_events()
    cat = {k: np.concatenate(v) for k, v in sim.cols.items()}
    order = np.lexsort((np.arange(cat["case"].size), cat["case"]))  # stable by emission
    frame = pl.DataFrame({k: v[order] for k, v in cat.items()})

    def lookup(col: str, names: tuple[str, ...]) -> pl.Expr:
        return (
            pl.when(pl.col(col) >= 0)
            .then(pl.col(col).replace_strict(list(range(len(names))), list(names), default=None))
            .otherwise(None)
        )

    ids = _case_ids(cases)
    m = frame.height
    u = rng.random(m)
    frame = frame.with_columns(
        case_id=pl.col("case").replace_strict(list(range(ids.size)), ids.tolist()),
        seq=(pl.int_range(pl.len()).over("case") + 1).cast(pl.Int64),
        d=_date_text(pl.col("date")),
        informed=pl.when(pl.col("informed") >= 0).then(_date_text(pl.col("informed"))),
        u=pl.Series(u),
    )
    return frame.select(
        "case_id",
        "seq",
        # a minority of imprecise event dates (coarsening keeps the order rule, see contract)
        event_date=pl.when(pl.col("u") < 0.01)
        .then(pl.col("d").str.slice(0, 4))
        .when(pl.col("u") < 0.07)
        .then(pl.col("d").str.slice(0, 7))
        .otherwise(pl.col("d")),
        event_type=lookup("type", c.EVENT_TYPES),
        agency=lookup("agency", c.AGENCY_CODES),
        to_agency=lookup("to", c.AGENCY_CODES),
        qualification=lookup("qual", c.QUALIFICATION),
        detail=lookup("detail", _DETAILS),
        trigger=lookup("trigger", c.TRIGGERS),
        victim_informed_date=pl.col("informed"),
        note=pl.lit(None, dtype=pl.String),
        source=pl.lit(None, dtype=pl.String),
    ).select(pl.col(name).cast(dtype) for name, dtype in c.EVENT_SCHEMA.items())


def _case_ids(cases: dict[str, np.ndarray]) -> np.ndarray:
    n = cases["complaint"].size
    years = pl.Series(cases["complaint"]).cast(pl.Int32).cast(pl.Date).dt.year().to_numpy()
    return np.array([f"SYN-{y}-{k:05d}" for y, k in zip(years, range(1, n + 1), strict=True)])


def write_csv(directory: Path | str, n: int = 2000, seed: int = 2016) -> tuple[Path, Path]:
    """Write `cases.csv` and `events.csv` (contract text: true/false, empty = missing)."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    cases, events = generate(n, seed)
    bools = [name for name in c.CASE_BOOL_COLUMNS]
    cases_txt = cases.with_columns(
        pl.col(b).replace_strict(
            {True: "true", False: "false"}, default=None, return_dtype=pl.String
        )
        for b in bools
    )
    cases_path, events_path = out / "cases.csv", out / "events.csv"
    cases_txt.write_csv(cases_path)
    events.write_csv(events_path)
    return cases_path, events_path
