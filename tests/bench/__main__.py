"""`python -m tests.bench [NAME ...]`: run the benchmarks (all, or those named)."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import pkgutil
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
RESULTS_DIR = Path("bench-results")


@dataclass
class Figure:
    bench: str
    name: str
    kind: str  # "ratio" or "count"
    value: float
    baseline: float | None = None
    unit: str = ""
    minimum: float | None = None
    note: str = ""

    def text(self) -> str:
        if self.kind == "ratio":
            ratio = self.value / self.baseline if self.baseline else float("inf")
            return (f"{self.value:,.3f} {self.unit} vs baseline {self.baseline:,.3f} {self.unit}"
                    f" = {ratio:,.2f}x")
        minimum = f" (minimum {self.minimum:,.0f})" if self.minimum is not None else ""
        return f"{self.value:,.0f}{' ' + self.unit if self.unit else ''}{minimum}"


@dataclass
class Report:
    bench: str = ""
    figures: list[Figure] = field(default_factory=list)

    def ratio(self, name: str, value: float, baseline: float, unit: str = "", note: str = "") -> None:
        """A measurement beside its baseline from the same run (e.g. rows/s vs naive rows/s)."""
        self.figures.append(Figure(self.bench, name, "ratio", value, baseline, unit, note=note))
        print(f"  {name}: {self.figures[-1].text()}", flush=True)

    def count(self, name: str, value: float, minimum: float | None = None, unit: str = "",
              note: str = "") -> None:
        """A deterministic count (round trips, HTTP calls), beside the minimum the API allows."""
        self.figures.append(Figure(self.bench, name, "count", value, unit=unit, minimum=minimum, note=note))
        print(f"  {name}: {self.figures[-1].text()}", flush=True)

    @staticmethod
    def timed(fn: Callable[[], T]) -> tuple[T, float]:
        start = time.perf_counter()
        result = fn()
        return result, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    args = parser.parse_args(argv)
    package = importlib.import_module("tests.bench")
    names = sorted(m.name[len("bench_"):] for m in pkgutil.iter_modules(package.__path__)
                   if m.name.startswith("bench_"))
    selected = args.names or names
    report = Report()
    failed = []
    for name in selected:
        print(f"== {name}", flush=True)
        report.bench = name
        try:
            importlib.import_module(f"tests.bench.bench_{name}").run(report)
        except Exception:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            failed.append(name)
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"bench-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps([asdict(f) for f in report.figures], indent=2))
    print(f"\nwrote {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
