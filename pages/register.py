"""Register a case: a complaint received by letter, in a PMC report or by a lawyer's call."""

from dashboard.ui.auth import require_page
from dashboard.ui.controls import page_header
from dashboard.ui.loaders import data_version, load_frames
from dashboard.ui.register import register_form

principal = require_page("edit_cases")
page_header("Register a case")
cases, _ = load_frames(data_version())
register_form(principal, cases)
