"""Course membership in the browser and on the command line: settings, members, groups."""
