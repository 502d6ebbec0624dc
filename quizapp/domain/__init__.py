"""Plain-Python domain logic of QuizApp: no Flask, no database, `now` passed in."""
