"""`remind`: send the day's e-mail reminders (meant for cron or a systemd timer)."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from dashboard.cli.arguments import iso_date
from dashboard.committee import reminders
from dashboard.data.database import get_engine


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "remind",
        help="e-mail the reminders due today (deadlines, escalations, session packs)",
        description="Send each reminder that is due and was not sent before: addressees about "
        "reporting deadlines and due dates within 14 days or past, the secretariat about "
        "recommendations overdue by more than 30 days, members 14 days before a session (with "
        "the pack). Settings: OVERSIGHT_SMTP_HOST, OVERSIGHT_SMTP_PORT, OVERSIGHT_SMTP_FROM, "
        "OVERSIGHT_SMTP_USER, OVERSIGHT_SMTP_PASSWORD, OVERSIGHT_SMTP_STARTTLS.",
    )
    p.add_argument("--dry-run", action="store_true", help="list what would be sent; send nothing")
    p.add_argument(
        "--today",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="run as if on this day (default: today)",
    )
    p.set_defaults(func=cmd_remind)


def cmd_remind(args: argparse.Namespace) -> int:

    today = args.today or date.today()
    try:
        result = reminders.run(engine=get_engine(), today=today, dry_run=args.dry_run)
    except reminders.ReminderError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    for mail in result.mails:
        kinds = ", ".join(sorted({i.kind for i in mail.items}))
        print(f"{mail.username} <{mail.email}> [{mail.language}]: {len(mail.items)} ({kinds})")
    verb = "would send" if args.dry_run else "sent"
    print(f"{verb} {len(result.mails) if args.dry_run else result.sent} e-mail(s) on {today}")
    for username, reason in result.failed:
        print(f"error: not sent to {username}: {reason}", file=sys.stderr)
    return 1 if result.failed else 0
