"""The benchmark runner behind `make bench`: ratios against baselines measured in the same run.

Each capability adds a module `tests/bench/bench_<name>.py` with `def run(report) -> None`. Machines
here are shared and noisy, so figures are ratios of two measurements taken side by side, and
deterministic counts (round trips, HTTP calls) beside the minimum the system allows. Nothing here
asserts a time. Results print as a table and are written to bench-results/<timestamp>.json.
"""
