"""Course media in the browser: the served files and the instructors' upload page."""
