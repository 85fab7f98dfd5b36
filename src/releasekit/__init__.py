"""releasekit: a Python package's release checklist as nox sessions and pre-commit hooks."""

__version__ = "0.1.0"
