"""The release and its steps: the checklist, the runner that walks it, and its journal."""
