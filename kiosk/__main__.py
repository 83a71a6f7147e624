"""Entry point of ``python -m kiosk`` and of the ``kiosk`` console script."""

from __future__ import annotations

import sys

from kiosk.cli import run


def main(argv: list[str] | None = None) -> int:
    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
