"""``python -m releasekit``."""

from releasekit.cli import main

raise SystemExit(main())
