"""The course staff's grading area: the queue of answers graded by hand."""
