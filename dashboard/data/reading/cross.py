"""The contract's rules across rows and tables: an event's case exists (in the files or the
database), case ids differ by more than letter case, and a case's events keep their order."""

from __future__ import annotations

import polars as pl

from dashboard.data.reading.cells import date_end, date_start, is_bad_date, whole_number, with_dates
from dashboard.data.reading.frames import ImportProblem, Raw, Stored, in_key_order
from dashboard.i18n import N_, Message


def cross_problems(raw: Raw, stored: Stored | None) -> list[ImportProblem]:
    """Event case exists, events do not go back in time, nor before the incident.

    Without `stored` (no database), events of cases not in the files are checked only
    among themselves.
    """
    known = raw.cases.filter(pl.col("case_id").is_not_null()).unique("case_id", keep="first")
    known = known.select("case_id", "incident_date")
    if stored is not None:
        known = pl.concat([known, stored.cases.join(known, on="case_id", how="anti")])
    events = raw.events.filter(pl.col("case_id").is_not_null() & whole_number("seq")).with_columns(
        pl.col("seq").cast(pl.Int64).alias("_seq")
    )
    in_force = events.filter(pl.col("retracted").is_null())  # a retracted event orders nothing
    problems = []
    if stored is not None:
        problems += _letter_case_problems(raw.cases, stored.ids)
        orphans = events.join(known, on="case_id", how="anti")
        reason = Message(N_("no such case in the files or in the database"))
        problems += [
            ImportProblem(f, n, "case_id", reason, v)
            for f, n, v in orphans.select("_file", "_line", "case_id").iter_rows()
        ]
    return problems + _order_problems(in_force, known, stored)


def _letter_case_problems(cases: pl.DataFrame, ids: pl.DataFrame) -> list[ImportProblem]:
    """Imported case ids that a stored case spells with other letter case (SEC-DI, sec-di)."""
    key = pl.col("case_id").str.to_lowercase().alias("_key")
    stored = ids.select(pl.col("case_id").alias("_stored"), key)
    clash = (
        cases.filter(pl.col("case_id").is_not_null())
        .with_columns(key)
        .join(stored, on="_key")
        .filter(pl.col("case_id") != pl.col("_stored"))
    )
    return [
        ImportProblem(
            f,
            n,
            "case_id",
            Message(
                N_("the stored case {case_id} differs only in letter case"), {"case_id": other}
            ),
            v,
        )
        for f, n, v, other in clash.select("_file", "_line", "case_id", "_stored").iter_rows()
    ]


def _order_problems(
    events: pl.DataFrame, known: pl.DataFrame, stored: Stored | None
) -> list[ImportProblem]:
    timeline = events.select("_file", "_line", "case_id", "_seq", "event_date")
    if stored is not None and not stored.events.is_empty():
        kept = stored.events.filter(pl.col("retracted").is_null()).join(
            timeline, left_on=["case_id", "seq"], right_on=["case_id", "_seq"], how="anti"
        )
        timeline = pl.concat(
            [
                timeline,
                kept.select(
                    pl.lit("database").alias("_file"),
                    pl.lit(0, pl.Int64).alias("_line"),
                    "case_id",
                    pl.col("seq").cast(pl.Int64).alias("_seq"),
                    "event_date",
                ),
            ]
        )
    incidents = with_dates(known, ["incident_date"]).select(
        "case_id", date_start("incident_date").alias("_incident")
    )
    timeline = (
        with_dates(timeline, ["event_date"])
        .select(
            pl.exclude("^event_date:.*$"),
            date_start("event_date").alias("_start"),
            date_end("event_date").alias("_end"),
            is_bad_date("event_date").alias("_bad"),
        )
        .filter(pl.col("_start").is_not_null() & pl.col("_end").is_not_null() & ~pl.col("_bad"))
        .pipe(in_key_order, "case_id", "_seq", "_line")
        .with_columns(_prev=_earlier_max(pl.col("_start"), "case_id"))
        .join(incidents, on="case_id", how="left")
    )
    back = timeline.filter(pl.col("_end") < pl.col("_prev"))
    early = timeline.filter(pl.col("_end") < pl.col("_incident"))
    return [
        *_timeline_problems(
            back, N_("goes back in time: an earlier event (by seq) starts {date}"), "_prev"
        ),
        *_timeline_problems(
            early, N_("before the case's incident_date (starts {date})"), "_incident"
        ),
    ]


def _earlier_max(day: pl.Expr, key: str) -> pl.Expr:
    """On rows sorted by `key`: the latest `day` of the earlier rows with the same key.

    `cum_max().shift(1).over(key)` without the window's hash grouping (a tenth of the time at
    a million events): each key's days are lifted above every earlier key's by a large
    multiple of the key's rank, so one running maximum over all rows restarts at each key.
    """
    new_key = (pl.col(key) != pl.col(key).shift(1)).fill_null(True)
    lift = new_key.cum_sum().cast(pl.Int64) * (1 << 32)
    earlier = (day.cast(pl.Int64) + lift).cum_max().shift(1) - lift
    return pl.when(new_key).then(None).otherwise(earlier).cast(pl.Date)


def _timeline_problems(rows: pl.DataFrame, template: str, bound: str) -> list[ImportProblem]:
    problems = []
    for file, line, case_id, seq, value, limit in rows.select(
        "_file", "_line", "case_id", "_seq", "event_date", bound
    ).iter_rows():
        reason = Message(template, {"date": limit.isoformat()})
        if file == "database":
            reason = Message(
                N_("stored event {case_id} seq {seq} {reason}"),
                {"case_id": case_id, "seq": seq, "reason": reason},
            )
        problems.append(ImportProblem(file, line, "event_date", reason, value))
    return problems
