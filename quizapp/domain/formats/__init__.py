"""Interchange formats (GIFT, YAML banks, Anki text and decks): one module each, one table
of them in `registry`."""
