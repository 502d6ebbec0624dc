"""JSON Schemas of the dashboards: a learner's progress and a course's statistics."""

from quizapp.api.schemas import (
    BOOLEAN,
    COURSE_REF,
    DATE,
    DATETIME,
    INTEGER,
    LESSON_REF,
    NUMBER,
    SCORE,
    STRING,
    array,
    nullable,
    obj,
)

COURSE_STATS_QUERY = obj(
    {"group": {"type": "integer", "minimum": 1, "description": "a group id of the course"}},
    required=[],
)


LESSON_PROGRESS = obj(
    {
        "lesson": LESSON_REF,
        "question_count": INTEGER,
        "attempts": INTEGER,
        "grade": {
            **nullable(SCORE),
            "description": "the lesson's grade by its grading method (quiz.grading); null "
            "while pending or hidden",
        },
        "grade_pending": {
            **BOOLEAN,
            "description": "an attempt the grade counts awaits a grade by hand",
        },
        "scores_hidden": {
            **BOOLEAN,
            "description": "the quiz's review options hide the scores now: grade, "
            "best_score and last_score are null",
        },
        "best_score": nullable(SCORE),
        "last_score": nullable(SCORE),
        "mastered": INTEGER,
        "mastery": nullable(NUMBER),
    }
)


PROGRESS = obj(
    {
        "lessons": array(LESSON_PROGRESS),
        "due_today": INTEGER,
        "forecast": array(obj({"date": DATE, "due": INTEGER})),
        "streak": INTEGER,
        "accuracy": array(
            obj({"week_start": DATE, "answers": INTEGER, "accuracy": nullable(NUMBER)})
        ),
    }
)


NUMBER_OR_NULL = nullable(NUMBER)


COURSE_STATS = obj(
    {
        "course": COURSE_REF,
        "group_id": nullable(INTEGER),
        "active_7_days": INTEGER,
        "active_30_days": INTEGER,
        "lessons": array(
            obj(
                {
                    "lesson": LESSON_REF,
                    "question_count": INTEGER,
                    "learners_completed": INTEGER,
                    "completion": NUMBER_OR_NULL,
                    "mean_best_score": NUMBER_OR_NULL,
                    "first_attempts": INTEGER,
                    "first_mean": NUMBER_OR_NULL,
                    "first_sd": NUMBER_OR_NULL,
                    "alpha": NUMBER_OR_NULL,
                }
            )
        ),
        "questions": array(
            obj(
                {
                    "id": STRING,
                    "type": STRING,
                    "title": STRING,
                    "lesson_number": INTEGER,
                    "attempts": INTEGER,
                    "facility": NUMBER_OR_NULL,
                    "discrimination": NUMBER_OR_NULL,
                    "flags": array(STRING),
                    "choices": array(
                        obj(
                            {
                                "position": INTEGER,
                                "label": STRING,
                                "text": STRING,
                                "is_correct": BOOLEAN,
                                "count": INTEGER,
                                "share": NUMBER_OR_NULL,
                            }
                        )
                    ),
                }
            )
        ),
        "learners": array(
            obj(
                {
                    "user_id": INTEGER,
                    "email": STRING,
                    "display_name": STRING,
                    "attempts": INTEGER,
                    "lessons_completed": INTEGER,
                    "mean_grade": NUMBER_OR_NULL,
                    "mean_best_score": NUMBER_OR_NULL,
                    "reviews": INTEGER,
                    "last_activity": nullable(DATETIME),
                }
            )
        ),
    }
)
