"""Answering a question: the per-type form fields shared by the quiz and review pages."""
