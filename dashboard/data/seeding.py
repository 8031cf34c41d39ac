"""Demonstration and reference data: the report's documented cases, the synthetic set, and two
past committee sessions, so that every page opens on something real.

Everything case-related goes through the same importer as the secretariat's files
(`dashboard.data.importer.import_files`), so seeding also proves the importer. Sessions, docket and
recommendations go through `dashboard.committee` (same checks, frozen snapshot from the
indicator engine, audit and version bump as the app).

Decisions:

* `seed_database` always (re)loads the documented cases. With `synthetic=N` it first removes
  the synthetic set and the demo sessions (see `remove_synthetic`), then imports N fresh
  synthetic cases and creates the two demo sessions. With `synthetic=None` the synthetic set is
  left as it is.
* The demo sessions are recognisable by `created_by == "seed"`; they are demonstration data
  built on the synthetic set and are removed with it. Nothing else is touched: real cases,
  sessions and recommendations stay.

This module does not import Streamlit.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, or_, update
from sqlmodel import Session, col, select

import seed.synthetic as synthetic_module
from dashboard import committee
from dashboard.accounts import audit
from dashboard.accounts.roles import Principal
from dashboard.committee import accountability as acc
from dashboard.config import get_settings
from dashboard.data.importer import import_files
from db.engine import bump_version, session_scope
from db.models import (
    Attachment,
    Case,
    CommitteeSession,
    DocketComment,
    DocketEntry,
    Event,
    ProgressReport,
    Recommendation,
    RecommendationUpdate,
    ReminderSent,
    Submission,
)
from seed.synthetic import write_csv

#: the report's cases (seed/documented/cases.csv, events.csv), found beside seed/synthetic.py
#: (so that it also works where `seed` is installed as a namespace package)
DOCUMENTED_DIR = Path(synthetic_module.__file__).parent / "documented"
#: the account name every seeded row is recorded under
SEED_ACTOR = "seed"
DEFAULT_SEED = 2016


@dataclass(frozen=True)
class SeedReport:
    """What a seed run loaded (shown on screen after the first start)."""

    documented_cases: int = 0
    documented_events: int = 0
    synthetic_cases: int = 0
    synthetic_events: int = 0
    removed_synthetic: int = 0
    sessions: int = 0
    recommendations: int = 0
    seed: int | None = None

    def __str__(self) -> str:
        parts = [
            f"{self.documented_cases} documented cases from Amnesty International's "
            f"'Dead End Justice' (2016) with {self.documented_events} procedural events"
        ]
        if self.synthetic_cases:
            parts.append(
                f"{self.synthetic_cases} synthetic demonstration cases "
                f"({self.synthetic_events} events, random seed {self.seed}), flagged synthetic"
            )
        if self.sessions:
            parts.append(
                f"{self.sessions} demonstration committee sessions with "
                f"{self.recommendations} recommendations"
            )
        return "Loaded " + "; ".join(parts) + "."


def is_empty(engine: Engine) -> bool:
    """True when the database holds no case at all."""
    with Session(engine) as s:
        return s.exec(select(Case.case_id).limit(1)).first() is None


def seed_if_empty(engine: Engine) -> SeedReport | None:
    """First start: load documented + synthetic data (OVERSIGHT_SYNTHETIC_CASES of them) into an
    empty database; None otherwise."""
    if not is_empty(engine):
        return None
    return seed_database(engine, synthetic=get_settings().synthetic_cases)


def seed_database(engine: Engine, *, synthetic: int | None, seed: int = DEFAULT_SEED) -> SeedReport:
    """(Re)load the documented cases and, unless `synthetic` is None, a fresh synthetic set of
    that size with the two demonstration sessions."""

    documented = import_files(
        engine,
        [DOCUMENTED_DIR / "cases.csv", DOCUMENTED_DIR / "events.csv"],
        actor=SEED_ACTOR,
    )
    report = SeedReport(
        documented_cases=documented.cases_inserted + documented.cases_updated,
        documented_events=documented.events_inserted + documented.events_updated,
    )
    if synthetic is None:
        return report
    if synthetic < 0:
        raise ValueError("synthetic must be >= 0")
    removed = remove_synthetic(engine)

    syn_cases = syn_events = 0
    if synthetic > 0:
        with tempfile.TemporaryDirectory(prefix="oversight-seed-") as tmp:
            paths = write_csv(tmp, synthetic, seed)
            result = import_files(engine, list(paths), actor=SEED_ACTOR)
        syn_cases = result.cases_inserted + result.cases_updated
        syn_events = result.events_inserted + result.events_updated
    sessions, recs = seed_sessions(engine) if synthetic > 0 else (0, 0)
    return SeedReport(
        documented_cases=report.documented_cases,
        documented_events=report.documented_events,
        synthetic_cases=syn_cases,
        synthetic_events=syn_events,
        removed_synthetic=removed,
        sessions=sessions,
        recommendations=recs,
        seed=seed,
    )


def remove_synthetic(engine: Engine) -> int:
    """Delete the synthetic cases, their events, docket entries and recommendations that refer
    to them, and the demo sessions, in one transaction; returns the number of cases removed."""
    syn_ids = select(Case.case_id).where(col(Case.synthetic).is_(True))
    seed_sessions_q = select(CommitteeSession.id).where(
        col(CommitteeSession.created_by) == SEED_ACTOR
    )
    with session_scope(engine) as s:
        n = s.exec(
            select(func.count()).select_from(Case).where(col(Case.synthetic).is_(True))
        ).one()
        n_sessions = s.exec(select(func.count()).select_from(seed_sessions_q.subquery())).one()
        if not n and not n_sessions:
            return 0
        recs = select(Recommendation.id).where(
            or_(
                col(Recommendation.case_id).in_(syn_ids),
                col(Recommendation.session_id).in_(seed_sessions_q),
            )
        )
        entries = select(DocketEntry.id).where(
            or_(
                col(DocketEntry.case_id).in_(syn_ids),
                col(DocketEntry.session_id).in_(seed_sessions_q),
            )
        )
        for owner_kind, table in (
            ("report", ProgressReport),
            ("submission", Submission),
            ("assessment", RecommendationUpdate),
        ):
            owned = select(table.id).where(col(table.recommendation_id).in_(recs))
            s.exec(
                delete(Attachment).where(
                    col(Attachment.owner_kind) == owner_kind, col(Attachment.owner_id).in_(owned)
                )
            )  # type: ignore[call-overload]
        # corrections point at what they correct: clear the links before deleting the rows
        for table in (ProgressReport, RecommendationUpdate):
            s.exec(
                update(table).where(col(table.recommendation_id).in_(recs)).values(corrects_id=None)
            )  # type: ignore[call-overload]
        s.exec(delete(ReminderSent).where(col(ReminderSent.recommendation_id).in_(recs)))  # type: ignore[call-overload]
        s.exec(delete(ReminderSent).where(col(ReminderSent.session_id).in_(seed_sessions_q)))  # type: ignore[call-overload]
        s.exec(delete(ProgressReport).where(col(ProgressReport.recommendation_id).in_(recs)))  # type: ignore[call-overload]
        s.exec(delete(Submission).where(col(Submission.recommendation_id).in_(recs)))  # type: ignore[call-overload]
        s.exec(
            delete(RecommendationUpdate).where(
                col(RecommendationUpdate.recommendation_id).in_(recs)
            )
        )  # type: ignore[call-overload]
        s.exec(delete(Recommendation).where(col(Recommendation.id).in_(recs)))  # type: ignore[call-overload]
        s.exec(delete(DocketComment).where(col(DocketComment.docket_entry_id).in_(entries)))  # type: ignore[call-overload]
        s.exec(delete(DocketEntry).where(col(DocketEntry.id).in_(entries)))  # type: ignore[call-overload]
        s.exec(delete(CommitteeSession).where(col(CommitteeSession.created_by) == SEED_ACTOR))  # type: ignore[call-overload]
        s.exec(delete(Event).where(col(Event.case_id).in_(syn_ids)))  # type: ignore[call-overload]
        s.exec(delete(Case).where(col(Case.synthetic).is_(True)))  # type: ignore[call-overload]
        _audit(
            s, "delete", "case_file", f"removed {n} synthetic cases and {n_sessions} demo sessions"
        )
        bump_version(s)
        return int(n)


def _audit(s: Session, action: str, entity: str, detail: str) -> None:
    audit.record(s, actor=SEED_ACTOR, action=action, entity=entity, detail=detail)


# --- demonstration sessions ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Rec:
    kind: str
    addressee: str
    text: str
    due: date
    indicator: str | None = None
    region: str | None = None
    #: follow-up history after `issued`: (status, date, evidence)
    history: tuple[tuple[str, date, str | None], ...] = ()


_SESSIONS: tuple[tuple[str, date, str, str, tuple[_Rec, ...]], ...] = (
    (
        "Заседание комитета за второе полугодие 2025 года",
        date(2026, 1, 20),
        "2025-H2",
        "closed",
        (
            _Rec(
                "systemic",
                "PGO",
                "Поручить прокурорам в течение трёх дней регистрировать каждую процессуальную жалобу "
                "на пытки или жестокое обращение как сообщение об уголовном правонарушении.",
                date(2026, 6, 30),
                "reclassification_rate",
                history=(
                    ("acknowledged", date(2026, 2, 10), None),
                    ("in_progress", date(2026, 4, 2), "Проект указания разослан в регионы."),
                    (
                        "partly_implemented",
                        date(2026, 8, 14),
                        "Указание издано; пока применяется в 9 регионах из 20.",
                    ),
                ),
            ),
            _Rec(
                "systemic",
                "SPU",
                "Специальные прокуроры должны брать в производство каждую жалобу о смерти или "
                "тяжком вреде здоровью, не дожидаясь ходатайства адвоката или решения суда.",
                date(2026, 9, 30),
                "spu_involvement_rate",
                region="KZ-39",
                history=(("acknowledged", date(2026, 2, 24), None),),
            ),
            _Rec(
                "systemic",
                "MVD_IID",
                "Прекратить собственные проверки жалоб на сотрудников министерства; передавать их "
                "специальным прокурорам или Антикоррупционной службе при поступлении.",
                date(2026, 4, 30),
                "same_family_share",
                history=(
                    (
                        "rejected",
                        date(2026, 3, 16),
                        "Ответ: внутренняя проверка предусмотрена ведомственными правилами.",
                    ),
                ),
            ),
            _Rec(
                "case",
                "PROS_REGIONAL",
                "Проверить законность приостановления расследования и письменно сообщать "
                "потерпевшему и адвокату о каждом решении.",
                date(2026, 3, 31),
                history=(
                    ("acknowledged", date(2026, 2, 5), None),
                    (
                        "implemented",
                        date(2026, 3, 20),
                        "Приостановление отменено; потерпевший уведомлён письменно.",
                    ),
                ),
            ),
        ),
    ),
    (
        "Заседание комитета за первое полугодие 2026 года",
        date(2026, 7, 15),
        "2026-H1",
        "held",
        (
            _Rec(
                "systemic",
                "PGO",
                "Сообщать потерпевшему о каждом отказе, приостановлении или прекращении в течение 30 дней.",
                date(2026, 12, 31),
                "timely_information_rate",
            ),
            _Rec(
                "systemic",
                "PROS_REGIONAL",
                "Проверить каждое расследование без действий более 180 дней и установить срок "
                "следующего шага.",
                date(2026, 10, 31),
                "stagnant_share",
                history=(("in_progress", date(2026, 9, 1), "Начата проверка застойных дел."),),
            ),
            _Rec(
                "case",
                "SPU",
                "Принять расследование к своему производству и без промедления допросить потерпевшего.",
                date(2026, 10, 15),
                history=(("acknowledged", date(2026, 8, 3), None),),
            ),
        ),
    ),
)


@dataclass(frozen=True)
class _Report:
    """A demo progress report: (claim, date, text, reason); `public` publishes a redacted copy;
    `corrects_previous` makes it a correction of the agency's previous report."""

    claim: str
    on: date
    text: str
    reason: str | None = None
    public: str | None = None
    corrects_previous: bool = False


#: the accountability loop's demo voices, by (session no., recommendation no.): agency reports,
#: civil society's comments (text, published copy or None), and whether the recommendation's
#: text and the committee's assessments are published
_REPORTS: dict[tuple[int, int], tuple[_Report, ...]] = {
    (0, 0): (
        _Report(
            "in_progress",
            date(2026, 3, 10),
            "Проект указания направлен областным прокурорам для замечаний.",
            public="Проект указания направлен областным прокурорам для замечаний.",
        ),
        _Report(
            "implemented",
            date(2026, 8, 20),
            "Указание № 7 издано и применяется во всех регионах; подписано заместителем "
            "Генерального прокурора.",
            public="Указание № 7 издано и применяется во всех регионах.",
        ),
    ),
    (0, 1): (
        _Report(
            "in_progress",
            date(2026, 5, 2),
            "В Караганде введено дежурство специальных прокуроров по случаям смерти под стражей.",
        ),
    ),
    (0, 2): (
        _Report(
            "not_implemented",
            date(2026, 3, 10),
            "Внутренние проверки продолжаются по ведомственным правилам.",
            reason="Правила требуют проверки до передачи; для изменения нужен приказ министерства.",
            public="Внутренние проверки продолжаются по ведомственным правилам.",
        ),
    ),
    (0, 3): (
        _Report("implemented", date(2026, 3, 15), "Приостановление отменено по итогам проверки."),
        _Report(
            "implemented",
            date(2026, 3, 18),
            "Приостановление отменено по итогам проверки, потерпевший уведомлён письменно.",
            corrects_previous=True,
            public="Приостановление отменено, потерпевший уведомлён письменно.",
        ),
    ),
    (1, 1): (
        _Report(
            "in_progress",
            date(2026, 9, 1),
            "Составлен список всех дел без действий 180 дней; сроки установлены в 14 регионах из 20.",
            public="Застойные дела учтены; сроки установлены в 14 регионах из 20.",
        ),
    ),
}
_SUBMISSIONS: dict[tuple[int, int], tuple[tuple[str, date, str | None], ...]] = {
    (0, 0): (
        (
            "Наши наблюдатели в двух регионах в июне установили, что районные прокуроры не знают "
            "об указании; жалобы по-прежнему рассматривались как процессуальные.",
            date(2026, 9, 5),
            "Наблюдатели в двух регионах установили, что районные прокуроры не знают об указании.",
        ),
        (
            "Адвокат сообщает, что по жалобе его подзащитного от 2 сентября снова отказано "
            "без возбуждения уголовного дела.",
            date(2026, 10, 1),
            None,
        ),
    ),
    (0, 2): (
        (
            "Жалобы на сотрудников полиции по-прежнему проверяет их собственное ведомство.",
            date(2026, 4, 2),
            "Жалобы на сотрудников полиции по-прежнему проверяет их собственное ведомство.",
        ),
    ),
}
#: recommendations whose text stays unpublished in the demo (the secretariat's review pending)
_UNPUBLISHED_TEXTS = {(1, 2)}
#: addressee usernames of the demo reports (the demo accounts, see dashboard.accounts.auth)
_REPORTER = {
    "PGO": "agency-pgo",
    "PROS_REGIONAL": "agency-pros-regional",
    "MVD_IID": "agency-mvd-iid",
    "SPU": "spu",
}

_MEMBERS = ("Член А (коалиция НПО)", "Член Б (совет ОНК)", "Член В (аппарат Омбудсмана)")


def seed_sessions(engine: Engine) -> tuple[int, int]:
    """Two past sessions (2025-H2 closed, 2026-H1 held) with docket and recommendations in
    various follow-up states; returns (sessions, recommendations)."""

    who = Principal(username=SEED_ACTOR, role="secretariat", full_name="Демонстрационные данные")
    today = date.today()
    n_recs = 0
    for session_no, (title, when, period, status, recs) in enumerate(_SESSIONS):
        row = committee.create_session(
            engine=engine,
            principal=who,
            title=title,
            session_date=when,
            period=period,
            members_present=list(_MEMBERS),
        )
        assert row.id is not None
        committee.set_session_status(engine=engine, principal=who, session_id=row.id, status="held")
        docket = _docket_cases(engine, row.id)
        for k, spec in enumerate(recs):
            case_id = None
            if spec.kind == "case":
                if not docket:
                    continue
                case_id = docket[k % len(docket)]
            rec = committee.create_recommendation(
                engine=engine,
                principal=who,
                session_id=row.id,
                kind=spec.kind,
                addressee=spec.addressee,
                text=spec.text,
                due_date=spec.due,
                target_indicator=spec.indicator,
                target_region=spec.region,
                case_id=case_id,
            )
            n_recs += 1
            for st, on, evidence in spec.history:
                if on > today:
                    break
                assert rec.id is not None
                rec = committee.record_status(
                    engine=engine,
                    principal=who,
                    recommendation_id=rec.id,
                    status=st,
                    status_date=on,
                    evidence=evidence,
                    expected_version=rec.version,
                )
            assert rec.id is not None
            _seed_voices(engine, who, (session_no, k), rec.id, spec.addressee, today)
        if status != "held":
            committee.set_session_status(
                engine=engine, principal=who, session_id=row.id, status=status
            )
    return len(_SESSIONS), n_recs


def _seed_voices(
    engine: Engine, who: Any, where: tuple[int, int], rec_id: int, agency: str, today: date
) -> None:
    """The agency's reports, civil society's comments and the publication of the texts of one
    demo recommendation, in mixed states (some published, some not, one correction)."""
    if where not in _UNPUBLISHED_TEXTS:
        rec = committee.get_recommendation(engine=engine, principal=who, recommendation_id=rec_id)
        acc.publish(
            engine=engine,
            principal=who,
            kind="recommendation",
            item_id=rec_id,
            public_text=rec.text or "",
        )
    role = "spu_head" if agency == "SPU" else "addressee"
    reporter = Principal(
        _REPORTER.get(agency, SEED_ACTOR), role, agency_code=agency if role == "addressee" else None
    )
    previous: int | None = None
    for r in _REPORTS.get(where, ()):
        if r.on > today:
            break
        report = acc.submit_report(
            engine=engine,
            principal=reporter,
            recommendation_id=rec_id,
            claimed_status=r.claim,
            report_date=r.on,
            text=r.text,
            reason=r.reason,
            corrects_id=previous if r.corrects_previous else None,
            today=r.on,
        )
        previous = report.id
        if r.public and report.id is not None:
            acc.publish(
                engine=engine, principal=who, kind="report", item_id=report.id, public_text=r.public
            )
    observer = Principal("observer", "observer")
    for text, on, public in _SUBMISSIONS.get(where, ()):
        if on > today:
            break
        sub = acc.submit_evidence(
            engine=engine, principal=observer, recommendation_id=rec_id, text=text
        )
        if public and sub.id is not None:
            acc.publish(
                engine=engine, principal=who, kind="submission", item_id=sub.id, public_text=public
            )
    # the committee's assessments with evidence are published, except the latest one
    hist = committee.history_frame(engine=engine, principal=who, recommendation_ids=[rec_id])
    with_evidence = hist.filter(hist["evidence"].is_not_null())
    for entry in with_evidence.head(max(with_evidence.height - 1, 0)).iter_rows(named=True):
        acc.publish(
            engine=engine,
            principal=who,
            kind="assessment",
            item_id=entry["entry_id"],
            public_text=entry["evidence"],
        )


def _docket_cases(engine: Engine, session_id: int) -> list[str]:
    with Session(engine) as s:
        rows = s.exec(
            select(DocketEntry)
            .where(col(DocketEntry.session_id) == session_id, col(DocketEntry.included).is_(True))
            .order_by(col(DocketEntry.score).desc(), col(DocketEntry.case_id))
        ).all()
        return [r.case_id for r in rows]
