"""Pure decisions of the follow-up jobs: given what GoldMine holds, what should exist.

Nothing here does I/O or reads the clock; each job module (`jobs/cadence.py`, ...) reads, calls a
rule, and hands the resulting actions to `jobs/apply.py`, which performs them exactly once.
"""
