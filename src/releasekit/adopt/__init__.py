"""``releasekit init``: adopt releasekit into an existing project.

``detect`` reads the project as it is (versions, bump-my-version, towncrier, the
changelog, git, pre-commit, workflows); ``plan`` turns that into the list of file
changes, each with the reason for it; ``apply`` writes them all, atomically, once every
change was planned. Nothing here prints or asks: ``releasekit.commands.init`` does.
"""
