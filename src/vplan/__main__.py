"""Run vplan as ``python -m vplan``."""

from vplan.cli import main

main()
