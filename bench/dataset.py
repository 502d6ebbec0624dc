"""The benchmark's data set, generated in memory as plain rows (explicit ids, naive UTC
datetimes, JSON already encoded) so bench.writer can bulk-insert it on any database.

Shape: learners answer 10-question quizzes (each answer graded with the app's own
`grade_response`), a course dominates (the "big course" of the instructor dashboard),
each learner owns flashcards in every FSRS state, and a pool of open attempts waits for
the submission scenario."""

import json
import random
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.content import (
    LESSON_KINDS,
    QUESTIONS_PER_LESSON,
    QUIZ_SIZE,
    lesson_notes,
    make_question,
)
from quizapp.domain.questions.registry import example_response, grade_response, is_gradable
from quizapp.domain.quiz_layout import selected_choice_positions, shuffle_options
from quizapp.services.question_store import choice_rows, content_hash, type_data

PASSWORD = "bench-password-2024"  # noqa: S105 (the generated accounts' password)
BIG_COURSE = "bench-big"
# Each receives one timed GIFT import (the figure is their median: one run of a few seconds
# is at the mercy of whatever else the machine does then).
IMPORT_COURSES = ("bench-import", "bench-import-2", "bench-import-3")
PROFILED_IMPORT_COURSE = "bench-import-profiled"  # receives the same file under a profiler
BIG_COURSE_SHARE = 0.6  # of the attempts
HISTORY_DAYS = 120
DAY = 86400
# Cards of the API learners the rating scenario rates, each once while the pool lasts.
REVIEW_POOL = 12_000


@dataclass(frozen=True)
class Sizes:
    learners: int = 2000
    courses: int = 3
    questions: int = 300
    answers: int = 500_000  # graded answers in submitted attempts
    cards: int = 200_000
    # The submission scenario's pool (answers not counted above): a 10 s run at 600 req/s
    # sends no submission twice.
    open_attempts: int = 6000
    web_learners: int = 16  # logged in through the form for the HTML scenarios
    api_learners: int = 400  # with API tokens, owning the pool and the rated cards

    @classmethod
    def preset(cls, name: str) -> "Sizes":
        default = cls()
        if name == "large":
            return replace(default, answers=1_000_000)
        if name == "huge":  # PostgreSQL's size target: ten times the default's answers,
            # from ten times the learners (each learner's history as long as by default).
            return replace(default, learners=20_000, answers=5_000_000, cards=1_000_000)
        if name == "small":  # about 1/50th: a smoke run
            return replace(
                default,
                learners=40,
                answers=10_000,
                cards=4_000,
                open_attempts=600,
                web_learners=8,
                api_learners=30,
            )
        return default

    def check(self) -> None:
        if self.questions < QUESTIONS_PER_LESSON * self.courses:
            raise ValueError(f"need at least {QUESTIONS_PER_LESSON} questions per course")
        if self.web_learners + self.api_learners > self.learners:
            raise ValueError("more web + API learners than learners")
        if self.cards > self.learners * self.questions:
            raise ValueError("more cards than (learner, question) pairs")


@dataclass
class Table:
    name: str
    columns: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)


@dataclass(frozen=True)
class LessonInfo:
    id: int
    course_slug: str
    slug: str
    gradable: tuple[int, ...]  # question ids a quiz draws from


@dataclass(frozen=True)
class OpenAttempt:
    id: int
    user_id: int
    answers: tuple[tuple[int, Any], ...]  # (answer id, API response)


@dataclass
class Dataset:
    sizes: Sizes
    now: datetime  # naive UTC
    tables: dict[str, Table]
    lessons: list[LessonInfo]
    learner_emails: dict[int, str]
    instructor_email: str
    web_learners: list[int]
    api_learners: list[int]
    pool: list[OpenAttempt]
    review_cards: list[tuple[int, int]]  # (card id, user id) of API learners

    def count(self, table: str) -> int:
        return len(self.tables[table].rows)

    def counts(self) -> dict[str, int]:
        figures = {name: len(table.rows) for name, table in self.tables.items()}
        answers = self.tables["answers"].rows
        figures["graded_answers"] = sum(1 for row in answers if row[7] is not None)
        figures["learners"] = len(self.learner_emails)
        return figures


COLUMNS = {
    "users": (
        "id",
        "email",
        "display_name",
        "password_hash",
        "role",
        "active",
        "session_version",
        "desired_retention",
        "daily_new_limit",
        "created_at",
    ),
    "courses": ("id", "slug", "title", "description_md", "created_at", "updated_at"),
    "lessons": (
        "id",
        "course_id",
        "number",
        "slug",
        "title",
        "body_md",
        "quiz_size",
        "created_at",
        "updated_at",
    ),
    "questions": (
        "id",
        "course_id",
        "lesson_id",
        "external_id",
        "type",
        "title",
        "prompt_md",
        "explanation_md",
        "section",
        "tags",
        "data",
        "content_hash",
        "version",
        "position",
        "retired_at",
        "created_at",
        "updated_at",
    ),
    "choices": ("id", "question_id", "position", "text_md", "weight", "is_correct", "feedback_md"),
    "attempts": (
        "id",
        "user_id",
        "lesson_id",
        "number",
        "seed",
        "started_at",
        "submitted_at",
        "score",
        "question_count",
    ),
    "answers": (
        "id",
        "attempt_id",
        "question_id",
        "question_version",
        "position",
        "display_order",
        "response",
        "score",
        "is_correct",
        "answered_at",
    ),
    "answer_choices": ("answer_id", "choice_position", "question_id"),
    "cards": (
        "id",
        "user_id",
        "question_id",
        "state",
        "step",
        "stability",
        "difficulty",
        "due",
        "last_review",
        "reps",
        "lapses",
        "created_at",
    ),
    "review_logs": ("id", "card_id", "user_id", "rating", "reviewed_at", "duration_ms", "source"),
    "course_memberships": ("id", "course_id", "user_id", "role", "joined_at"),
}


@dataclass(frozen=True)
class _Graded:
    response: Any
    encoded: str
    score: float
    correct: bool
    positions: tuple[int, ...]


@dataclass(frozen=True)
class _QuestionFacts:
    id: int
    lesson_id: int
    difficulty: float
    layouts: tuple[str, ...]  # a few shuffles, JSON-encoded
    right: _Graded | None
    wrong: _Graded | None


def _graded(question: dict, right: bool) -> _Graded:
    response = example_response(question, right)
    if isinstance(response, set | frozenset | tuple):
        response = sorted(response)
    result = grade_response(question, response)
    positions = tuple(selected_choice_positions(question, response))
    return _Graded(response, json.dumps(response), result.score, result.correct, positions)


class _Builder:
    def __init__(self, sizes: Sizes, seed: int, now: datetime):
        self.sizes, self.rng, self.now = sizes, random.Random(seed), now
        self.tables = {name: Table(name, columns) for name, columns in COLUMNS.items()}
        self.facts: dict[int, _QuestionFacts] = {}
        self.lessons: list[LessonInfo] = []
        self.course_lessons: dict[int, list[LessonInfo]] = defaultdict(list)
        self.questions_of_lesson: dict[int, list[int]] = defaultdict(list)
        self.ability: dict[int, float] = {}
        self.attempt_counts: dict[tuple[int, int], int] = defaultdict(int)
        self.lessons_of_user: dict[int, set[int]] = defaultdict(set)

    def ago(self, seconds: float) -> datetime:
        return self.now - timedelta(seconds=seconds)

    def add(self, table: str, row: tuple) -> None:
        self.tables[table].rows.append(row)

    # --- users and content --------------------------------------------------------------

    def users(self, password_hash: str) -> tuple[dict[int, str], str]:
        emails = {}
        for user_id in range(1, self.sizes.learners + 1):
            emails[user_id] = f"learner{user_id:05d}@example.org"
            self.ability[user_id] = self.rng.uniform(0.45, 0.95)
            self.add(
                "users",
                (
                    user_id,
                    emails[user_id],
                    f"Learner {user_id}",
                    password_hash,
                    "learner",
                    True,
                    1,
                    0.9,
                    20,
                    self.ago(HISTORY_DAYS * DAY + 60),
                ),
            )
        instructor = "instructor@example.org"
        self.add(
            "users",
            (
                self.sizes.learners + 1,
                instructor,
                "Instructor",
                password_hash,
                "instructor",
                True,
                1,
                0.9,
                20,
                self.ago(HISTORY_DAYS * DAY + 60),
            ),
        )
        return emails, instructor

    def content(self) -> None:
        sizes, created = self.sizes, self.ago(HISTORY_DAYS * DAY + 3600)
        total_lessons = sizes.questions // QUESTIONS_PER_LESSON
        big = max(1, total_lessons // 2) if sizes.courses > 1 else total_lessons
        rest = [(total_lessons - big) // (sizes.courses - 1)] * (sizes.courses - 1)
        for i in range((total_lessons - big) % max(1, sizes.courses - 1)):
            rest[i] += 1
        lesson_id = question_id = choice_id = 0
        for course_id, lesson_count in enumerate([big, *rest], start=1):
            slug = BIG_COURSE if course_id == 1 else f"bench-course-{course_id}"
            self.add(
                "courses", (course_id, slug, f"Curso {slug}", "Curso generado.", created, created)
            )
            for number in range(1, lesson_count + 1):
                lesson_id += 1
                lesson_slug = f"clase-{number}-tema-{number}"
                self.add(
                    "lessons",
                    (
                        lesson_id,
                        course_id,
                        number,
                        lesson_slug,
                        f"Clase {number}",
                        lesson_notes(self.rng, number),
                        QUIZ_SIZE,
                        created,
                        created,
                    ),
                )
                gradable = []
                for position, kind in enumerate(LESSON_KINDS):
                    question_id += 1
                    choice_id = self._question(
                        question_id, course_id, lesson_id, position, kind, choice_id, created
                    )
                    if is_gradable(kind):
                        gradable.append(question_id)
                info = LessonInfo(lesson_id, slug, lesson_slug, tuple(gradable))
                self.lessons.append(info)
                self.course_lessons[course_id].append(info)
        # Empty courses receive the GIFT import of the timing step.
        for offset, slug in enumerate((*IMPORT_COURSES, PROFILED_IMPORT_COURSE), start=1):
            course_id += 1
            self.add("courses", (course_id, slug, f"Importación {offset}", "", created, created))
            self.add(
                "lessons",
                (
                    lesson_id + offset,
                    course_id,
                    1,
                    "importadas",
                    "Importadas",
                    "",
                    None,
                    created,
                    created,
                ),
            )
        # The instructor teaches every course (per-course roles, SPEC section 11).
        instructor_id = self.sizes.learners + 1
        for membership_id in range(1, course_id + 1):
            self.add(
                "course_memberships",
                (membership_id, membership_id, instructor_id, "instructor", created),
            )

    def _question(self, question_id, course_id, lesson_id, position, kind, choice_id, created):
        question = make_question(kind, f"q-{question_id:05d}", self.rng)
        self.add(
            "questions",
            (
                question_id,
                course_id,
                lesson_id,
                question["id"],
                kind,
                question["title"],
                question["prompt"],
                question["explanation"],
                question["section"],
                json.dumps(question["tags"]),
                json.dumps(type_data(question)),
                content_hash(question),
                1,
                position,
                None,
                created,
                created,
            ),
        )
        for choice_position, choice in enumerate(choice_rows(question)):
            choice_id += 1
            self.add(
                "choices",
                (
                    choice_id,
                    question_id,
                    choice_position,
                    choice.text,
                    choice.weight,
                    choice.is_correct,
                    choice.feedback,
                ),
            )
        gradable = is_gradable(kind)
        self.questions_of_lesson[lesson_id].append(question_id)
        self.facts[question_id] = _QuestionFacts(
            id=question_id,
            lesson_id=lesson_id,
            difficulty=self.rng.uniform(-0.2, 0.3),
            layouts=tuple(
                json.dumps(shuffle_options(question, random.Random(i))) for i in range(4)
            ),
            right=_graded(question, True) if gradable else None,
            wrong=_graded(question, False) if gradable else None,
        )
        return choice_id

    # --- learning history ---------------------------------------------------------------

    def attempts(self) -> None:
        """Submitted attempts of QUIZ_SIZE answers each, numbered per (learner, lesson)
        in time order, with the choices each answer selected."""
        sizes, rng = self.sizes, self.rng
        count = sizes.answers // QUIZ_SIZE
        courses = sorted(self.course_lessons)
        others = (1 - BIG_COURSE_SHARE) / max(1, len(courses) - 1)
        weights = [BIG_COURSE_SHARE if c == 1 else others for c in courses]
        picked_courses = rng.choices(courses, weights, k=count)
        plan = [
            (
                rng.uniform(60, HISTORY_DAYS * DAY),
                rng.randint(1, sizes.learners),
                rng.choice(self.course_lessons[course]),
            )
            for course in picked_courses
        ]
        plan.sort(key=lambda item: -item[0])  # oldest first
        answer_id = 0
        add_attempt = self.tables["attempts"].rows.append
        add_answer = self.tables["answers"].rows.append
        add_choice = self.tables["answer_choices"].rows.append
        for attempt_id, (seconds_ago, user_id, lesson) in enumerate(plan, start=1):
            submitted = self.ago(seconds_ago)
            key = (user_id, lesson.id)
            self.attempt_counts[key] += 1
            self.lessons_of_user[user_id].add(lesson.id)
            ability, total = self.ability[user_id], 0.0
            for position, question_id in enumerate(rng.sample(lesson.gradable, QUIZ_SIZE)):
                answer_id += 1
                facts = self.facts[question_id]
                graded = facts.right if rng.random() < ability - facts.difficulty else facts.wrong
                total += graded.score
                add_answer(
                    (
                        answer_id,
                        attempt_id,
                        question_id,
                        1,
                        position,
                        rng.choice(facts.layouts),
                        graded.encoded,
                        graded.score,
                        graded.correct,
                        submitted,
                    )
                )
                for choice_position in graded.positions:
                    add_choice((answer_id, choice_position, question_id))
            add_attempt(
                (
                    attempt_id,
                    user_id,
                    lesson.id,
                    self.attempt_counts[key],
                    rng.getrandbits(48),
                    submitted - timedelta(seconds=rng.randint(120, 900)),
                    submitted,
                    total / QUIZ_SIZE,
                    QUIZ_SIZE,
                )
            )

    def cards(self) -> None:
        """Cards spread evenly over learners, mostly on questions of lessons they took,
        in every FSRS state; every reviewed card has its last review logged."""
        sizes, rng = self.sizes, self.rng
        all_questions = sorted(self.facts)
        card_id = 0
        per_user, extra = divmod(sizes.cards, sizes.learners)
        for user_id in range(1, sizes.learners + 1):
            wanted = per_user + (1 if user_id <= extra else 0)
            seen = [
                q
                for lesson in sorted(self.lessons_of_user[user_id])
                for q in self.questions_of_lesson[lesson]
            ]
            chosen = rng.sample(seen, min(wanted, len(seen)))
            if len(chosen) < wanted:
                taken = set(chosen)
                others = [q for q in all_questions if q not in taken]
                chosen += rng.sample(others, wanted - len(chosen))
            for question_id in chosen:
                card_id += 1
                self._card(card_id, user_id, question_id)

    def _card(self, card_id: int, user_id: int, question_id: int) -> None:
        rng = self.rng
        created = self.ago(rng.uniform(DAY, HISTORY_DAYS * DAY))
        kind = rng.random()
        if kind < 0.12:  # new: never reviewed, due since it was created
            self.add(
                "cards",
                (card_id, user_id, question_id, 1, 0, None, None, created, None, 0, 0, created),
            )
            return
        if kind < 0.9:  # review
            state, step = 2, None
            last = self.ago(rng.uniform(0, 60 * DAY))
            stability = rng.uniform(0.5, 90)
            due = last + timedelta(days=stability * rng.uniform(0.8, 1.2))
        else:  # learning (1) or relearning (3)
            state, step = (1, 1) if kind < 0.95 else (3, 0)
            last = self.ago(rng.uniform(0, 2 * DAY))
            stability = rng.uniform(0.1, 3)
            due = last + timedelta(minutes=10)
        reps = rng.randint(1, 12)
        self.add(
            "cards",
            (
                card_id,
                user_id,
                question_id,
                state,
                step,
                stability,
                rng.uniform(1, 10),
                due,
                last,
                reps,
                rng.randint(0, min(3, reps)),
                created,
            ),
        )
        source = "quiz" if rng.random() < 0.2 else "review"
        self.add(
            "review_logs",
            (
                len(self.tables["review_logs"].rows) + 1,
                card_id,
                user_id,
                rng.choice((1, 2, 3, 3, 3, 4)),
                last,
                rng.randint(2000, 30000),
                source,
            ),
        )

    def open_attempts(self, api_learners: list[int]) -> list[OpenAttempt]:
        """Unsubmitted attempts of the API learners, at most one per (learner, lesson),
        each with the responses its submission will send (right or wrong by ability)."""
        rng, pool = self.rng, []
        attempt_id = len(self.tables["attempts"].rows)
        answer_id = len(self.tables["answers"].rows)
        pairs = [(user, lesson) for lesson in self.lessons for user in api_learners]
        rng.shuffle(pairs)
        if len(pairs) < self.sizes.open_attempts:
            raise ValueError("not enough (API learner, lesson) pairs for the open attempts")
        for user_id, lesson in pairs[: self.sizes.open_attempts]:
            attempt_id += 1
            started = self.ago(rng.uniform(60, 3600))
            self.attempt_counts[(user_id, lesson.id)] += 1
            self.add(
                "attempts",
                (
                    attempt_id,
                    user_id,
                    lesson.id,
                    self.attempt_counts[(user_id, lesson.id)],
                    rng.getrandbits(48),
                    started,
                    None,
                    None,
                    QUIZ_SIZE,
                ),
            )
            responses = []
            for position, question_id in enumerate(rng.sample(lesson.gradable, QUIZ_SIZE)):
                answer_id += 1
                facts = self.facts[question_id]
                self.add(
                    "answers",
                    (
                        answer_id,
                        attempt_id,
                        question_id,
                        1,
                        position,
                        rng.choice(facts.layouts),
                        None,
                        None,
                        None,
                        None,
                    ),
                )
                right = rng.random() < self.ability[user_id] - facts.difficulty
                responses.append((answer_id, (facts.right if right else facts.wrong).response))
            pool.append(OpenAttempt(attempt_id, user_id, tuple(responses)))
        return pool


def build_dataset(
    sizes: Sizes, password_hash: str, seed: int = 2024, now: datetime | None = None
) -> Dataset:
    """Everything in memory; `password_hash` is shared by every account (hashing 2,000
    passwords would cost minutes and measure nothing)."""
    sizes.check()
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None, microsecond=0)
    builder = _Builder(sizes, seed, now)
    emails, instructor = builder.users(password_hash)
    builder.content()
    builder.attempts()
    builder.cards()
    learners = list(range(1, sizes.learners + 1))
    web = learners[: sizes.web_learners]
    api = learners[sizes.web_learners : sizes.web_learners + sizes.api_learners]
    pool = builder.open_attempts(api)
    api_set = set(api)
    review_cards = [(row[0], row[1]) for row in builder.tables["cards"].rows if row[1] in api_set]
    builder.rng.shuffle(review_cards)
    return Dataset(
        sizes=sizes,
        now=now,
        tables=builder.tables,
        lessons=builder.lessons,
        learner_emails=emails,
        instructor_email=instructor,
        web_learners=web,
        api_learners=api,
        pool=pool,
        review_cards=review_cards[:REVIEW_POOL],
    )
