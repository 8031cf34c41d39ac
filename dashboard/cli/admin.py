"""Administration commands: create-user, unlock, backup, restore (audited as `cli:<OS user>`)."""

from __future__ import annotations

import argparse
import functools
import getpass
import sys
from collections.abc import Callable

from dashboard.accounts import audit
from dashboard.accounts.auth import AccountError, create_user, unlock
from dashboard.accounts.roles import ROLES
from dashboard.config import get_settings
from dashboard.data.backup import BackupError, backup, restore
from dashboard.data.database import get_engine
from db.engine import make_engine


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "create-user",
        help="create an account (the first secretariat account is made this way)",
        description="Create an account. The password is asked for twice unless --password-stdin "
        "(one line read from standard input, for scripts) or --password is given.",
    )
    p.add_argument("username")
    p.add_argument("--role", choices=ROLES, default="secretariat")
    p.add_argument("--full-name")
    p.add_argument("--email", help="where reminders go")
    p.add_argument(
        "--agency",
        metavar="CODE",
        help="for --role addressee: the agency the account answers for (e.g. PGO, MVD_IID)",
    )
    src = p.add_mutually_exclusive_group()
    src.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    src.add_argument(
        "--password", help="the password (visible in the process list: prefer the prompt)"
    )
    src.add_argument(
        "--no-password",
        action="store_true",
        help="an account for the organisation's sign-in (auth_mode=oidc): username = e-mail",
    )
    p.set_defaults(func=cmd_create_user)

    p = sub.add_parser(
        "unlock",
        help="lift every sign-in throttle and lock of the account USER",
        description="Forget USER's failed sign-ins (from every client) and lift its lock, so "
        "its owner can sign in at once. The password is unchanged.",
    )
    p.add_argument("username", metavar="USER")
    p.set_defaults(func=cmd_unlock)

    p = sub.add_parser(
        "backup",
        help="copy the database to FILE (consistent while the app runs; SQLite only)",
    )
    p.add_argument("file")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser(
        "restore",
        help="replace the database with the backup FILE (--force when it holds data)",
    )
    p.add_argument("file")
    p.add_argument("--force", action="store_true", help="replace a database that holds data")
    p.set_defaults(func=cmd_restore)


def _read_password(args: argparse.Namespace) -> str | None:
    if args.password is not None:
        return str(args.password)
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat the password: ") != first:
        print("error: the passwords differ", file=sys.stderr)
        return None
    return first


Command = Callable[[argparse.Namespace], int]


def _refusing(*errors: type[Exception]) -> Callable[[Command], Command]:
    """The command, with a refusal of one of `errors` printed as `error: ...` (exit code 1)."""

    def wrap(cmd: Command) -> Command:
        @functools.wraps(cmd)
        def run(args: argparse.Namespace) -> int:
            try:
                return cmd(args)
            except errors as e:
                print(f"error: {e}", file=sys.stderr)
                return 1

        return run

    return wrap


@_refusing(AccountError)
def cmd_create_user(args: argparse.Namespace) -> int:

    password = None if args.no_password else _read_password(args)
    if password is None and not args.no_password:
        return 1
    p = create_user(
        engine=get_engine(),
        username=args.username,
        password=password,
        role=args.role,
        full_name=args.full_name,
        email=args.email,
        agency_code=args.agency,
        actor=audit.cli_actor(),
    )
    print(f"account {p.username!r} created with role {p.role}")
    return 0


@_refusing(AccountError)
def cmd_unlock(args: argparse.Namespace) -> int:
    unlock(engine=get_engine(), username=args.username, actor=audit.cli_actor())
    print(f"account {args.username.strip().lower()!r} unlocked")
    return 0


@_refusing(BackupError)
def cmd_backup(args: argparse.Namespace) -> int:
    engine = get_engine(get_settings().database_url)  # migrated: a backup has the current schema
    path = backup(engine, args.file)
    audit.record_now(engine, actor=audit.cli_actor(), action="backup", detail=str(path))
    print(f"backup written: {path}")
    return 0


@_refusing(BackupError)
def cmd_restore(args: argparse.Namespace) -> int:
    url = get_settings().database_url
    path = restore(args.file, url, force=args.force)
    # restore() copies the backup exactly; the restore itself is then the one row added to
    # the restored database's audit log (README, "Backup and restore")
    engine = make_engine(url)
    try:
        audit.record_now(engine, actor=audit.cli_actor(), action="restore", detail=str(args.file))
    finally:
        engine.dispose()
    print(f"database {path} restored from {args.file}; restart running app servers")
    return 0
