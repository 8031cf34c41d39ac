"""Oversight: indicators, docket and follow-up for the advisory committee on torture complaints."""

__version__ = "0.1.0"
