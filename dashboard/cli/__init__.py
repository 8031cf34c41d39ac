"""`python -m dashboard` / `oversight`: the command line.

Each command group lives in its own module with `register(subparsers)`; this module only
assembles them. Commands print to stdout, errors to stderr; exit code 1 on invalid input.

Only the module of the command given is imported: the groups' imports (fpdf for the session
pack, scipy for the disclosure attack, SQLAlchemy and Alembic) took 2.8 of the 6.9 s of
`metrics` on 100,000 cases (issue 19). Help, or a command not known, imports them all.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import sys

from dashboard.config import get_settings

#: the modules that add sub-commands (each defines `register(subparsers)`), by the commands
#: each one adds
COMMAND_MODULES = {
    "dashboard.cli.core": ("init-db", "run"),
    "dashboard.cli.metrics": ("metrics",),
    "dashboard.cli.data": ("import", "export"),
    "dashboard.cli.admin": ("create-user", "unlock", "backup", "restore"),
    "dashboard.cli.i18n": ("i18n",),
    "dashboard.cli.seed": ("seed", "remove-synthetic"),
    "dashboard.cli.remind": ("remind",),
    "dashboard.cli.disclosure": ("disclosure-check",),
}


def _modules_for(argv: list[str] | None) -> list[str]:
    """The one module that adds the command in `argv`, or all of them (help, unknown command)."""
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--database-url")
    pre.add_argument("command", nargs="?")
    args = sys.argv[1:] if argv is None else argv
    command = pre.parse_known_args(args)[0].command
    for module, commands in COMMAND_MODULES.items():
        if command in commands and not {"-h", "--help"} & set(args[: args.index(command)]):
            return [module]
    return list(COMMAND_MODULES)


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser for `argv` (default: sys.argv): every command, or only the one asked for."""
    parser = argparse.ArgumentParser(
        prog="oversight",
        description="Oversight: indicators, docket and follow-up for the advisory committee.",
    )
    parser.add_argument(
        "--database-url",
        help="SQLAlchemy URL of the database (default: OVERSIGHT_DATABASE_URL or data/oversight.db)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in _modules_for(argv):
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if args.database_url:
        os.environ["OVERSIGHT_DATABASE_URL"] = args.database_url
        get_settings.cache_clear()
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        if not _broken_pipe(exc):
            raise
        # the reader went away (`oversight metrics ... | head`): stop quietly, as a shell tool
        # does; stdout goes to /dev/null so the interpreter's last flush cannot fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + 13  # killed by SIGPIPE, as the shell reports it


def _broken_pipe(exc: OSError) -> bool:
    """Python's BrokenPipeError (errno EPIPE), or polars' writer's OSError, which carries no
    errno, only the text 'Broken pipe (os error 32)'."""
    return exc.errno == errno.EPIPE or f"os error {errno.EPIPE})" in str(exc)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
