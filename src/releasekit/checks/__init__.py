"""The checks behind the pre-commit hooks: version-sync, changelog-fragment and check-links."""
