"""The ``tepai`` console command: Django management under the hood.

``tepai init``, ``tepai demo``, ``tepai import …`` and friends are management commands; this
wrapper only sets the settings module and answers ``--version`` without touching the
database or the environment.
"""

from __future__ import annotations

import os
import sys

from tepai import __version__


def main(argv: list[str] | None = None) -> None:
    """Run the tepai command line with ``argv`` (default: ``sys.argv[1:]``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] in (["--version"], ["-V"], ["version"]):
        print(f"tepai {__version__}")
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tepai.settings")
    from tepai.config import ConfigError

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["tepai", *args])
    except ConfigError as exc:
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc


if __name__ == "__main__":
    main()
