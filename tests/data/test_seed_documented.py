"""The report's documented cases: valid under the contract, faithful to the examples, complete."""

from __future__ import annotations

import csv
import re
from datetime import date

import polars as pl
import pytest

from dashboard.data.importer import import_files, read_files
from dashboard.engine.metrics import case_metrics
from seed import DOCUMENTED_DIR
from tests.conftest import EXAMPLES

CASES = DOCUMENTED_DIR / "cases.csv"
EVENTS = DOCUMENTED_DIR / "events.csv"
README = DOCUMENTED_DIR / "README.md"

#: one case per story the report tells (README lists them with the report's section)
STORIES = {
    "DOC-EVL": "Oleg Evloev",
    "DOC-MAK": "Vasily Maklakov",
    "DOC-ROO": "R.O.",
    "DOC-RAK": "Dmitry Rakishev",
    "DOC-MAM": "Aleksei Mamuch-Ogli",
    "DOC-MUK": "Konstantin Mukhin",
    "DOC-KEN": "Bazarbai Kenzhebaev",
    "DOC-ZHA": "the 37 defendants",
    "DOC-ZHW": "the ten prosecution witnesses",
    "DOC-TUG": "Iskander Tugelbaev",
    "DOC-SHA": "Olga and Elena Sharafutdinova",
    "DOC-KRI": "Anatoly Krivobokov",
    "DOC-BAI": "Ruslan Baimagambetov",
    "DOC-BAS": "Serik Baimaganbetov",
    "DOC-ROZ": "Ivan Rozhnov",
    "DOC-SAG": "Zhandos Sagatov",
}
ANONYMOUS = {"DOC-ROO", "DOC-ZHA", "DOC-ZHW"}
#: the report's date of publication: every figure is read as the report could know it
REPORT_DATE = date(2016, 3, 1)


def _rows(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def metrics() -> dict[str, dict]:
    frames = read_files([CASES, EVENTS])
    m = case_metrics(frames.cases, frames.events, REPORT_DATE)
    return {r["case_id"]: r for r in m.iter_rows(named=True)}


def test_documented_files_pass_import_validation():
    frames = read_files([CASES, EVENTS])
    assert frames.cases.height == len(STORIES)
    assert frames.events.height == len(_rows(EVENTS))
    assert not frames.cases["synthetic"].any()


def test_documented_files_import_into_the_database(engine):
    result = import_files(engine, [CASES, EVENTS], actor="test")
    assert (result.cases_inserted, result.events_inserted) == (len(STORIES), len(_rows(EVENTS)))
    again = import_files(engine, [CASES, EVENTS], actor="test")
    assert again.cases_inserted == 0 and again.cases_updated == len(STORIES)


def test_the_two_spec_examples_are_copied_exactly():
    for name in ("cases.csv", "events.csv"):
        example = _rows(EXAMPLES / name)
        ours = {(r["case_id"], r.get("seq")): r for r in _rows(DOCUMENTED_DIR / name)}
        for row in example:
            assert ours[(row["case_id"], row.get("seq"))] == row


def test_one_case_per_story_and_every_case_in_the_readme():
    ids = {r["case_id"] for r in _rows(CASES)}
    assert ids == set(STORIES)
    readme = README.read_text(encoding="utf-8")
    listed = set(re.findall(r"\bDOC-[A-Z]{3}\b", readme))
    assert ids <= listed
    for name in STORIES.values():
        assert name in readme


def test_names_only_for_victims_who_went_public():
    for r in _rows(CASES):
        if r["case_id"] in ANONYMOUS:
            assert r["victim_name"] == "" and r["identity_public"] == "false"
        else:
            assert r["victim_name"] and r["identity_public"] == "true"
        assert "Dead End Justice (EUR 57/3345/2016)" in r["source"]
        # summaries stay short and never carry the name
        assert len(r["summary"]) <= 400
        for part in filter(None, re.split(r"[ ,]+", r["victim_name"])):
            assert part not in r["summary"]


def test_sharafutdinova_ping_pong_and_reactive_spu(metrics):
    m = metrics["DOC-SHA"]
    assert m["reversals"] >= 3
    assert m["negative_decisions"] >= 8
    assert m["spu_trigger"] == "prosecutor_referral" and m["spu_mode"] == "investigating"
    assert m["convicted"] and not m["custodial"]  # suspended sentences, also on appeal
    assert m["qualification"] == "abuse_of_power"


def test_maklakov_suspended_with_perpetrators_unidentified(metrics):
    m = metrics["DOC-MAK"]
    assert m["state"] == "suspended" and m["open"]
    assert m["same_family_investigation"]
    assert m["reversals"] >= 2
    assert m["stagnation_days"] > 800  # from 28 October 2013 to the report


def test_outcomes_the_report_states(metrics):
    assert metrics["DOC-RAK"]["convicted"] and not metrics["DOC-RAK"]["custodial"]  # amnesty
    assert metrics["DOC-RAK"]["qualification"] == "negligence"
    for cid in ("DOC-BAI", "DOC-BAS", "DOC-SAG", "DOC-ROZ", "DOC-KEN"):
        assert metrics[cid]["convicted"] and metrics[cid]["custodial"], cid
    assert metrics["DOC-SAG"]["qualification"] == "torture"  # requalified by the SPU
    assert metrics["DOC-KEN"]["qualification"] == "abuse_of_power"
    assert not metrics["DOC-TUG"]["spu_involved"] and metrics["DOC-TUG"]["state"] == "terminated"
    assert metrics["DOC-ROO"]["state"] == "refused" and not metrics["DOC-ROO"]["criminal_case"]
    assert metrics["DOC-MUK"]["retaliation"] and metrics["DOC-MUK"]["state"] == "terminated"
    assert metrics["DOC-KRI"]["spu_mode"] == "supervising"
    assert metrics["DOC-ZHA"]["spu_trigger"] == "court_order"
    assert metrics["DOC-ZHW"]["open"] and not metrics["DOC-ZHW"]["criminal_case"]


def test_regions_follow_the_current_division():
    region = {r["case_id"]: r["region"] for r in _rows(CASES)}
    assert region["DOC-KRI"] == "KZ-33"  # Karatal District: Jetisu Region since 2022
    assert region["DOC-MAM"] == "KZ-10"  # Semei: Abai Region since 2022
    assert region["DOC-RAK"] == "KZ-11"  # Stepnogorsk, Akmola Region
    assert {region[c] for c in ("DOC-KEN", "DOC-ZHA", "DOC-ZHW")} == {"KZ-47"}
    assert pl.Series(list(region.values())).is_in(["KZ-39"]).sum() == 4  # Kostanay
