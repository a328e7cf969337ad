"""Runs the `goldheat` command with test jobs added to the registry, for worker and beat processes.

`GHTEST_JOBS` holds a JSON object name -> "module:function" merged into `jobs.registry.JOBS`
before the command starts; forked pool processes inherit it.
"""

from __future__ import annotations

import json
import os
import sys

import faulthandler
import signal

from jobs import registry

faulthandler.register(signal.SIGUSR1, all_threads=True)  # a test that finds us hung dumps our stacks

registry.JOBS.update(json.loads(os.environ.get("GHTEST_JOBS", "{}")))

if __name__ == "__main__":
    from jobs.cli import main

    sys.argv = ["goldheat", *sys.argv[1:]]
    main()
