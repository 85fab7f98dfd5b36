"""Releasing from CI: the build manifest, Trusted Publishing, and the release workflow."""
