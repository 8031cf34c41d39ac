"""Benchmark of the disclosure control (engine.disclosure.publish: the three public tables,
primary and complementary suppression until the attack finds nothing), then the audit alone.

    .venv/bin/python bench/disclosure_bench.py [--cases 100000 --events 1000000]

Prints the time, the rounds of complementary suppression and the share of figures withheld at
the demo's size (2,000 synthetic cases from seed.synthetic) and at --cases generated cases.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import seed.synthetic as synthetic  # noqa: E402
from bench._gen import generate  # noqa: E402
from dashboard.engine.disclosure import Rules, as_text, audit, publish  # noqa: E402
from dashboard.engine.metrics import case_metrics  # noqa: E402

AS_OF = date(2026, 1, 1)


def bench(label: str, cases, events) -> None:  # type: ignore[no-untyped-def]
    rules = Rules()
    metrics = case_metrics(cases, events, AS_OF)
    t0 = time.perf_counter()
    pub = publish(metrics, as_of=AS_OF, rules=rules)
    t1 = time.perf_counter()
    result = audit({t: as_text(f) for t, f in pub.frames.items()}, rules)
    t2 = time.perf_counter()
    s = pub.summary()
    print(
        f"{label}: protect {t1 - t0:6.1f} s in {pub.rounds} round(s), audit {t2 - t1:5.1f} s; "
        f"withheld {s['figures_withheld']:,} of {s['figures']:,} figures "
        f"({s['figures_withheld'] / s['figures']:.1%}), {s['counts_secondary']:,} counts "
        f"complementary; audit findings: {result.findings.height}"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--events", type=int, default=1_000_000)
    args = ap.parse_args()
    bench("demo (2,000 synthetic cases)", *synthetic.generate(2000))
    bench(f"{args.cases:,} cases / {args.events:,} events", *generate(args.cases, args.events))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (whole process): {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
