"""Run a benchmark step in a child process: wall-clock seconds, peak RSS, output.

Each step runs alone in its own process, so its peak resident memory (max RSS, from wait4)
is that step's alone and nothing it caches helps the next step.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    seconds: float
    #: user + system CPU seconds (on a busy machine a fairer yardstick than the wall clock)
    cpu: float
    peak_mib: float
    stdout: bytes


def run(argv: list[str]) -> Run:
    """Run `argv` (stdout kept, stderr passed through); raise if it fails."""
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            raise subprocess.CalledProcessError(proc.returncode, argv)
        out.seek(0)
        # Linux reports ru_maxrss in KiB
        return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.read())


def python(*args: str) -> list[str]:
    """argv of this interpreter (the worktree's venv) running `args`."""
    return [sys.executable, *args]
