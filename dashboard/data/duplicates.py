"""Possible duplicates of a case about to be registered: a pure function over the cases frame.

Two rules: the same region with incident dates that may be the same day (their intervals
overlap, so `2012-07` matches `2012-07-03`), or a similar victim name. Names are compared with
rapidfuzz's `token_sort_ratio` (word order ignored: "Ivanov Ivan" is "Ivan Ivanov"; letter case
folded), in C++ over the whole column at once (`process.extract`): difflib's SequenceMatcher
is pure Python, about a hundred times slower, and knows no word order.

>>> cases = pl.DataFrame({"case_id": ["A"], "region": ["KZ-39"], "incident_date": ["2012-07"],
...                       "victim_name": ["Ivanov Ivan"]})
>>> possible_duplicates(cases, region="KZ-39", incident_date="2012-07-03",
...                     victim_name="ivan IVANOV", names=True)["reasons"].to_list()
[['same_region_date', 'similar_name']]
"""

from __future__ import annotations

import polars as pl
from rapidfuzz import fuzz, process, utils

from dashboard.data import contract as c

#: names at least this similar (0-100, token_sort_ratio) are shown as possible duplicates
NAME_SIMILARITY = 85
#: at most this many similar names are listed
MAX_NAMES = 10
REASONS = ("same_region_date", "similar_name")

_SCHEMA: dict[str, pl.DataType] = {
    "case_id": pl.String(),
    "reasons": pl.List(pl.String()),
    "similarity": pl.Int64(),
}


def _valid_date(value: str | None) -> bool:
    try:
        return c.parse_date(value) is not None
    except ValueError:
        return False


def possible_duplicates(
    cases: pl.DataFrame,
    *,
    region: str | None,
    incident_date: str | None,
    victim_name: str | None,
    names: bool,
) -> pl.DataFrame:
    """Stored cases that may be the one being entered: case_id, reasons, similarity (names).

    `names`: whether the user may see victims' names; without it the name rule is not applied
    (a match would tell them whose case it is).
    """
    if cases.is_empty():
        return pl.DataFrame(schema=_SCHEMA)
    found: list[pl.DataFrame] = []
    if region and _valid_date(incident_date):
        day = pl.lit(incident_date)
        same = cases.filter(
            (pl.col("region") == region)
            & (c.date_start("incident_date") <= c.date_end(day))
            & (c.date_end("incident_date") >= c.date_start(day))
        )
        found.append(same.select("case_id", reason=pl.lit("same_region_date"), similarity=None))
    if names and victim_name and victim_name.strip() and "victim_name" in cases.columns:
        named = cases.filter(pl.col("victim_name").is_not_null())
        hits = process.extract(
            victim_name,
            named["victim_name"].to_list(),
            scorer=fuzz.token_sort_ratio,
            processor=utils.default_process,
            score_cutoff=NAME_SIMILARITY,
            limit=MAX_NAMES,
        )
        found.append(
            pl.DataFrame(
                {
                    "case_id": [named["case_id"][i] for _, _, i in hits],
                    "reason": ["similar_name"] * len(hits),
                    "similarity": [round(score) for _, score, _ in hits],
                },
                schema={"case_id": pl.String(), "reason": pl.String(), "similarity": pl.Int64()},
            )
        )
    if not found:
        return pl.DataFrame(schema=_SCHEMA)
    return (
        pl.concat([f.cast({"similarity": pl.Int64}) for f in found])
        .group_by("case_id", maintain_order=True)
        .agg(
            pl.col("reason").unique(maintain_order=True).alias("reasons"),
            pl.col("similarity").max(),
        )
        .sort("case_id")
    )
