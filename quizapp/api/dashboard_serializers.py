"""Plain JSON shapes of the dashboards (documented in
quizapp.api.dashboard_schemas): a learner's progress and a course's statistics."""

from typing import Any

from quizapp.api.serializers import course_ref, iso, lesson_ref
from quizapp.services.item_analysis import flag_codes, question_title
from quizapp.services.progress import LearnerProgress
from quizapp.services.stats import CourseDashboard


def progress(found: LearnerProgress) -> dict[str, Any]:
    return {
        "lessons": [
            {
                "lesson": lesson_ref(item.lesson),
                "question_count": item.question_count,
                "attempts": item.attempts,
                "grade": item.grade,
                "grade_pending": item.grade_pending,
                "scores_hidden": item.scores_hidden,
                "best_score": item.best_score,
                "last_score": item.last_score,
                "mastered": item.mastered,
                "mastery": item.mastery,
            }
            for item in found.lessons
        ],
        "due_today": found.due_today,
        "forecast": [{"date": iso(day), "due": count} for day, count in found.forecast],
        "streak": found.streak,
        "accuracy": [
            {"week_start": iso(week.week_start), "answers": week.answers, "accuracy": week.accuracy}
            for week in found.accuracy
        ],
    }


def course_stats(dashboard: CourseDashboard) -> dict[str, Any]:
    return {
        "course": course_ref(dashboard.course),
        "group_id": dashboard.group_id,
        "active_7_days": dashboard.active_7_days,
        "active_30_days": dashboard.active_30_days,
        "lessons": [
            {
                "lesson": lesson_ref(item.lesson),
                "question_count": item.question_count,
                "learners_completed": item.learners_completed,
                "completion": item.completion,
                "mean_best_score": item.mean_best_score,
                "first_attempts": item.first_attempts,
                "first_mean": item.first_mean,
                "first_sd": item.first_sd,
                "alpha": item.alpha,
            }
            for item in dashboard.lessons
        ],
        "questions": [
            {
                "id": item.question.external_id,
                "type": item.question.type,
                "title": question_title(item.question),
                "lesson_number": item.lesson_number,
                "attempts": item.attempts,
                "facility": item.facility,
                "discrimination": item.discrimination,
                "flags": flag_codes(item.flags),
                "choices": [
                    {
                        "position": choice.position,
                        "label": choice.label,
                        "text": choice.text_md,
                        "is_correct": choice.is_correct,
                        "count": choice.count,
                        "share": choice.share,
                    }
                    for choice in item.choices
                ],
            }
            for item in dashboard.questions
        ],
        "learners": [
            {
                "user_id": row.user_id,
                "email": row.email,
                "display_name": row.display_name,
                "attempts": row.attempts,
                "lessons_completed": row.lessons_completed,
                "mean_grade": row.mean_grade,
                "mean_best_score": row.mean_best_score,
                "reviews": row.reviews,
                "last_activity": iso(row.last_activity),
            }
            for row in dashboard.learners
        ],
    }
