"""The methodology page's text: every figure in plain words, its formula, and the choices made
where the spec (shared/spec/indicators.md) left room. Strings are msgids (translated at display).

>>> "spu_involvement_rate" in {e.name for e in INDICATOR_TEXTS}
True
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass

from dashboard.engine.quality import QUALITY_FIELDS
from dashboard.engine.registry import INDICATORS
from dashboard.i18n import N_


@dataclass(frozen=True)
class Entry:
    name: str  # as in indicators.md and the code
    title: str  # msgid
    plain: str  # msgid: what it tells a committee member
    formula: str  # msgid: how it is computed


CASE_METRIC_TEXTS: tuple[Entry, ...] = (
    Entry(
        "state",
        N_("State"),
        N_(
            "Where the case stands now: screening, investigation, refused, suspended, terminated, in court, convicted or acquitted."
        ),
        N_("Replay of the case's events in order; each decisive event sets the state."),
    ),
    Entry(
        "open",
        N_("Open"),
        N_("The case is still being handled: screening, investigation, suspended or in court."),
        N_("state in (screening, investigation, suspended, in_court)"),
    ),
    Entry(
        "last_action_date",
        N_("Last action"),
        N_("The last time an authority did something in the case."),
        N_("latest date among authority actions and the complaint date"),
    ),
    Entry(
        "stagnation_days",
        N_("Days without action"),
        N_("How long an open case has waited since the last authority action."),
        N_("T − last_action_date, open cases only"),
    ),
    Entry(
        "longest_inactivity_days",
        N_("Longest inactivity"),
        N_("The longest stretch in which nobody acted on the case."),
        N_(
            "largest gap between consecutive dates of complaint, authority actions and (open cases) T"
        ),
    ),
    Entry(
        "reversals",
        N_("Reversals (ping-pong)"),
        N_(
            "How often a refusal, suspension or termination was later undone — the case bounced back."
        ),
        N_("negative decisions followed, before the next negative decision, by a reversal event"),
    ),
    Entry(
        "negative_decisions",
        N_("Negative decisions"),
        N_("Refusals to open a case, suspensions and terminations."),
        N_("count of refusal_to_open, investigation_suspended, investigation_terminated"),
    ),
    Entry(
        "handoffs",
        N_("Hand-offs"),
        N_("How often the file was sent from one body to another."),
        N_("events whose to_agency differs from their agency"),
    ),
    Entry(
        "criminal_case",
        N_("Criminal case"),
        N_("A criminal case was opened on the complaint."),
        N_(
            "a criminal_case_opened event exists; days_to_criminal_case = its first date − complaint date"
        ),
    ),
    Entry(
        "qualification",
        N_("Qualification"),
        N_(
            "Under which article the acts are treated: torture, abuse of power, negligence or other."
        ),
        N_(
            "qualification of the latest criminal_case_opened, requalified or verdict event that has one"
        ),
    ),
    Entry(
        "spu_involved",
        N_("SPU involvement"),
        N_("The Special Prosecutor's Unit supervised or led the case."),
        N_(
            "an spu_involved event exists; mode investigating if any says so; days_to_spu = first date − complaint date; trigger of the first one"
        ),
    ),
    Entry(
        "same_family_investigation",
        N_("Same-family investigation"),
        N_(
            "The case was at some point checked by a body of the same family as the accused (police checking police)."
        ),
        N_(
            "agency of screening_started, to_agency of referred / decision_overturned / criminal_case_opened (or its agency) in the accused agency's family"
        ),
    ),
    Entry(
        "in_court",
        N_("In court"),
        N_("An indictment was sent to court."),
        N_("an indictment_to_court event exists"),
    ),
    Entry(
        "convicted",
        N_("Convicted / custodial"),
        N_("A court convicted; custodial: the latest sentence is imprisonment."),
        N_("verdict with detail conviction; latest sentence detail custodial"),
    ),
    Entry(
        "info_delays",
        N_("Information delays"),
        N_("How long the victim waited to learn of each negative decision."),
        N_("victim_informed_date − event_date, per negative decision with a known informed date"),
    ),
    Entry(
        "retaliation",
        N_("Retaliation"),
        N_("Reprisals against the complainant were reported."),
        N_("a retaliation_reported event exists"),
    ),
)

#: the funnel's five stage figures are explained once, as one entry
FUNNEL_TEXT = Entry(
    "funnel",
    N_("Funnel"),
    N_(
        "How many complaints get through each step: criminal case, court, conviction, prison sentence."
    ),
    N_("counts: complaints → criminal case → in court → convicted → custodial"),
)

#: How public figures are protected (docs/disclosure.md), in plain words for the methodology page.
DISCLOSURE_TEXTS: tuple[str, ...] = (
    N_(
        "Public figures (the observer's page and the public export) are protected so that no victim can be singled out, even by someone who multiplies a percentage by its number of cases or adds up the tables."
    ),
    N_("A number of cases from 1 to 4 is shown as “<5”."),
    N_(
        "A percentage over fewer than 10 cases is not shown (“too few cases”), and neither are the numbers it is made of."
    ),
    N_(
        "Where all of a group, or all but 1 to 4 of it, share something (for example all 12 cases are still open), that number is withheld: it would tell something about every case in the group."
    ),
    N_(
        "The three public tables (by half-year, by region, by half-year and region) add up to each other. Where the others would let a withheld number be worked out, more numbers are withheld (“withheld”), until no hidden number can be narrowed to fewer than 3 possible values."
    ),
    N_(
        "A percentage is shown only where both its numbers are shown. The national number of complaints per half-year is shown when it is 10 or more, unless on a very small data set nothing else can keep a small number hidden."
    ),
    N_(
        "Anyone can check an export with the command “oversight disclosure-check”, which attacks it as an outsider would."
    ),
)


def _indicator_texts() -> tuple[Entry, ...]:
    """Every indicator's texts from the registry (engine.registry.INDICATORS), in its order;
    the funnel stages as the one FUNNEL_TEXT entry where the first stage stands."""
    out: list[Entry] = []
    for name, ind in INDICATORS.items():
        if ind.kind == "funnel":
            if FUNNEL_TEXT not in out:
                out.append(FUNNEL_TEXT)
            continue
        out.append(Entry(name, ind.title, ind.plain, ind.formula))
    return tuple(out)


INDICATOR_TEXTS: tuple[Entry, ...] = _indicator_texts()

GENERAL_RULES: tuple[str, ...] = (
    N_(
        "Every figure is computed for an as-of date T: events after T are ignored, as if not yet known; a case complained after T appears nowhere."
    ),
    N_(
        "A cohort is the cases whose complaint date falls in the review period, both ends included."
    ),
    N_(
        "Imprecise dates count as the middle of their interval: a month as its 15th day, a year as 1 July. Durations are whole days and never negative."
    ),
    N_("A rate whose denominator is 0 is shown as “no cases”, never as 0 %."),
    *DISCLOSURE_TEXTS,
)


#: Choices made in this dashboard where the spec left room.
DASHBOARD_CHOICES: tuple[str, ...] = (
    N_(
        "The default review period is the last complete half-year; the as-of date defaults to its end and follows the period when it is changed."
    ),
    N_("Region and agency filters narrow every figure and list; an empty filter means all."),
    N_(
        "The case list shows all cases known at the as-of date; “only the review period” narrows it to the period's cohort."
    ),
    N_(
        "A rate's “show cases” opens the cases in its numerator; counts and medians open the cases they are computed over."
    ),
    N_(
        "Committee roles see victims' names (restricted, not public data); SPU heads never do; every view of a case with personal data is recorded in the audit log."
    ),
    N_(
        "Idle gaps on a case timeline are stretches of more than 90 days without an authority action, the stagnation threshold."
    ),
)

#: data quality beside each figure and context notes (dashboard.engine.quality, the notes)
QUALITY_TEXTS: tuple[str, ...] = (
    N_(
        "Beside each figure a badge gives the share of the cases behind it that lack data the figure needs, or hold it only as a month or a year. Such dates are allowed; the engine takes the 15th of the month or 1 July, so a duration built on them may be off by up to half a year."
    ),
    N_(
        "The share is over the figure's cases: its denominator, or the counted cases for a count. For “Victim informed in time” it is over the cases with a negative decision, because a decision without the date the victim learned of it is left out of that figure's denominator."
    ),
    N_(
        "A figure is flagged in orange when the share reaches the setting OVERSIGHT_QUALITY_FLAG_SHARE (20% unless the secretariat changes it). The secretariat's Data quality page lists the incomplete cases per figure and per field, by region and by agency."
    ),
    N_(
        "Observers see no shares. On the public page a figure of the whole country that is shown carries only the mark “many cases incomplete” when its share reaches the setting; regions and withheld figures carry nothing. An exact share multiplied by a figure's number of cases would be a new count that the disclosure control does not protect, and per region it would describe small groups."
    ),
    N_(
        "Context notes: the secretariat can attach a note to a figure for a half-year and a region (or the whole country), for example to explain a drop. Notes are shown beside the figure and in the session pack to the committee's roles. A note reaches the public page only when the secretariat marks it public: notes are the committee's free text and may name a person or a case, so no note is public by default. Every note, change and retraction is recorded in the audit log."
    ),
)


def quality_needs() -> list[tuple[str, list[str]]]:
    """(title msgid, msgids of the data it needs) for every figure, in the registry's order
    (the funnel's stages once)."""
    from_registry = [i for i in INDICATORS.values() if i.kind != "funnel"]
    return [(i.title, [QUALITY_FIELDS[f] for f in i.needs]) for i in from_registry]


ENGINE_MODULES = (
    "dashboard.engine.metrics",
    "dashboard.engine.indicators",
    "dashboard.engine.docket",
)


def engine_choices() -> list[tuple[str, str]]:
    """(module, text) of each engine module's 'Choices' docstring section, where present."""
    out = []
    for name in ENGINE_MODULES:
        try:
            doc = importlib.import_module(name).__doc__ or ""
        except ImportError:
            continue
        m = re.search(r"^Choices\b[^\n]*\n(.*)\Z", doc, re.S | re.M)
        if m and m.group(1).strip():
            out.append((name, m.group(1).strip()))
    return out


#: docket rule -> its condition in plain words (indicators.md, Docket suggestions)
DOCKET_TEXTS: dict[str, str] = {
    "death_in_custody": N_("The victim died and nobody has been convicted."),
    "stagnant": N_("Open, and no authority action for more than 180 days."),
    "pingpong": N_("Reversed three times or more (ping-pong)."),
    "no_spu_serious": N_("Death or serious injury, and the SPU was never involved."),
    "retaliation": N_("Reprisals against the complainant were reported."),
    "masked_qualification": N_(
        "Qualified as abuse of power although the allegations include asphyxiation, burns or sexual violence."
    ),
    "victim_uninformed": N_("The victim learned of a negative decision more than 30 days late."),
    "same_family": N_("Checked by a body of the accused agency's own family."),
    "evidence_dismissed": N_("Medical evidence exists, yet the case was refused or terminated."),
}


def metric_meaning(name: str) -> str:
    """The plain-words meaning (msgid) of a per-case metric, '' if not documented."""
    for e in CASE_METRIC_TEXTS:
        if e.name == name:
            return e.plain
    aliases = {
        "days_to_criminal_case": "criminal_case",
        "spu_mode": "spu_involved",
        "days_to_spu": "spu_involved",
        "spu_trigger": "spu_involved",
        "custodial": "convicted",
    }
    target = aliases.get(name)
    return next((e.plain for e in CASE_METRIC_TEXTS if e.name == target), "")
