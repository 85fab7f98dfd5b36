"""The changelog: fragment types, towncrier's configuration, and release notes."""
