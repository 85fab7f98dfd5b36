"""The steps of a release: one module per item of the checklist, named as the step."""
