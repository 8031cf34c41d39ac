"""Seed data: the report's documented cases (documented/) and the synthetic generator."""

from pathlib import Path

#: folder of the documented cases (cases.csv, events.csv)
DOCUMENTED_DIR = Path(__file__).parent / "documented"
