"""The command line imports only the module of the command given (start-up time, issue 19)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dashboard.cli import COMMAND_MODULES, build_parser

ALL_COMMANDS = [c for commands in COMMAND_MODULES.values() for c in commands]


def _commands(argv: list[str]) -> set[str]:
    sub = next(a for a in build_parser(argv)._actions if a.dest == "command")
    return set(sub.choices)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["metrics", "a.csv", "--as-of", "2015-09-30"], {"metrics"}),
        (["--database-url", "sqlite://", "import", "x.csv"], {"import", "export"}),
        (["--help"], set(ALL_COMMANDS)),
        (["-h", "metrics"], set(ALL_COMMANDS)),
        (["no-such-command"], set(ALL_COMMANDS)),
        ([], set(ALL_COMMANDS)),
    ],
)
def test_parser_has_the_command_asked_for_or_all(argv: list[str], expected: set[str]) -> None:
    assert _commands(argv) == expected


def test_every_module_adds_the_commands_it_is_listed_with() -> None:
    for module, commands in COMMAND_MODULES.items():
        assert _commands([commands[0]]) == set(commands), module


def test_metrics_does_not_import_the_other_groups_dependencies() -> None:
    probe = (
        "import sys\n"
        "from dashboard.cli import main\n"
        "try:\n"
        "    main(['metrics', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in ('fpdf', 'scipy', 'argon2') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize(
    "argv",
    [
        ["metrics", "a.csv", "--as-of", "30.09.2015"],
        ["metrics", "a.csv", "--from", "2015-13-01"],
        ["remind", "--today", "June 1"],
    ],
)
def test_every_date_option_rejects_a_non_date_with_one_message(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as bad:
        build_parser(argv).parse_args(argv)
    err = capsys.readouterr().err
    assert bad.value.code == 2
    assert f"not a date of the form YYYY-MM-DD (e.g. 2026-03-01): {argv[-1]!r}" in err
