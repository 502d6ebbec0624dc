"""Instructor pages tying questions to a lesson's sections: coverage and drafts from the notes."""
