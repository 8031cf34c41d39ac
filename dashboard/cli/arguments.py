"""Argument types shared by the command groups (argparse `type=` callables)."""

from __future__ import annotations

import argparse
from datetime import date


def iso_date(text: str) -> date:
    """A calendar date given as YYYY-MM-DD; anything else is a usage error (exit code 2).

    >>> iso_date("2026-03-01")
    datetime.date(2026, 3, 1)
    """
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a date of the form YYYY-MM-DD (e.g. 2026-03-01): {text!r}"
        ) from None
