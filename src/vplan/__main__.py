"""Run vplan: the ``vplan`` command, and ``python -m vplan``.

Ctrl-C while vplan is still starting (its libraries loading, nothing written yet) ends it
with one line and exit code 130, as later; the command line's own handling takes over once
it runs (``ending.main``), and once it has ended Ctrl-C is ignored.
"""

import os
import signal
import sys
from types import FrameType


def _stopped_starting(signum: int, frame: FrameType | None) -> None:
    sys.stderr.write("vplan: error: stopped\n")
    sys.stderr.flush()
    os._exit(130)


def main() -> None:
    """Load the command line and run it."""
    signal.signal(signal.SIGINT, _stopped_starting)
    from vplan.cli import main as run

    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        run()
    finally:  # the run has ended, its exit code set: Ctrl-C now would only hide it
        signal.signal(signal.SIGINT, signal.SIG_IGN)


if __name__ == "__main__":
    main()
