"""Service processes for tests: start `goldheat serve` roles as real processes, wait, kill, clean up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[3]
T = TypeVar("T")


def base_env(settings_env: dict[str, str], test_jobs: dict[str, str] | None = None) -> dict[str, str]:
    import json

    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOLDHEAT_", "GHTEST_"))}
    env.update(settings_env)
    env["GHTEST_JOBS"] = json.dumps(test_jobs or {})
    env["PYTHONPATH"] = str(ROOT)
    return env


class Processes:
    """Processes started by one test; every one is killed (its whole group) when the test ends."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.started: list[subprocess.Popen[bytes]] = []

    def serve(self, env: dict[str, str], *args: str, name: str = "svc") -> subprocess.Popen[bytes]:
        log = open(self.log_dir / f"{name}-{len(self.started)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen([sys.executable, "-m", "tests.jobs.service.launch", "serve", *args],
                                env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        proc.log_path = log.name  # type: ignore[attr-defined]
        self.started.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
        """SIGKILL goes to the whole process group (worker and pool); SIGTERM to the main process,
        which shuts down warmly (its pool processes with it). One still running after 20 s dumps
        its stacks into its log (SIGUSR1) and is killed; whatever is left of its group too."""
        try:
            if sig == signal.SIGKILL:
                os.killpg(proc.pid, sig)
            else:
                os.kill(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGUSR1)
            time.sleep(0.5)
            proc.hung = True  # type: ignore[attr-defined]
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.started:
            if proc.poll() is None:
                self.kill(proc, signal.SIGTERM)

    def logs(self) -> str:
        tails = []
        for proc in self.started:
            path = Path(proc.log_path)  # type: ignore[attr-defined]
            tails.append(f"--- {path}\n" + path.read_text(errors="replace")[-3000:])
        return "\n".join(tails)


def wait_for(condition: Callable[[], T], timeout: float, what: str, interval: float = 0.2) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def children(pid: int) -> list[int]:
    """The direct child processes of pid (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found
