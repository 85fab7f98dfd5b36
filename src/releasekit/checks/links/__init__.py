"""The documentation link checker behind ``releasekit check links`` and the ``check-links`` hook."""
