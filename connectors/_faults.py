"""Named points where a test can kill the process (kill -9), to prove interrupted work recovers.

Inert unless the environment variable CCPA_FAULT names the point: tests of crash safety run the
command in a subprocess with CCPA_FAULT=<point> and re-run it without.
"""

from __future__ import annotations

import os
import signal

FAULT_ENV = "CCPA_FAULT"


def checkpoint(point: str) -> None:
    if os.environ.get(FAULT_ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)
