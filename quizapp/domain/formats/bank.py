"""Read and write YAML question-bank files, reporting every problem as `file:line: message`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import yaml

from quizapp.domain.formats.base import ExportCourse, ParsedFile, WrittenFile
from quizapp.domain.formats.safe_yaml import UntrustedLoader, YamlLimitError, check_size
from quizapp.domain.questions.base import Path, Problem
from quizapp.domain.questions.registry import (
    normalise_question,
    question_to_yaml,
    semantic_problems,
)
from quizapp.domain.questions.schema import MAX_PROBLEMS, file_problems
from quizapp.domain.quiz_rules import QuizRules, dates_problem, rules_from_block

_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass(frozen=True, order=True)
class BankError:
    """One problem in a bank file, printed as `file:line: message`."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class BankParseResult:
    """A parsed bank file: its valid questions (lesson resolved) and every error found.

    `questions` holds only the questions without errors; callers must not import a file
    whose `errors` is non-empty. `ids` maps each id seen in the file to its first line.
    """

    filename: str
    lesson_key: int | str | None
    questions: list[dict[str, Any]] = field(default_factory=list)
    errors: list[BankError] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)
    # The quiz rules the file sets (SPEC §12): `quiz:` for its own lesson, `quizzes:` for
    # several (lesson number or slug → rules); None / empty when it sets none.
    quiz: QuizRules | None = None
    quizzes: dict[int | str, QuizRules] = field(default_factory=dict)


class _LineMap:
    """Line numbers (1-based) of every mapping key and list item, by path from the root."""

    def __init__(self) -> None:
        self.lines: dict[Path, int] = {}
        self.duplicates: list[tuple[Path, int]] = []

    def line_of(self, path: Path) -> int:
        """The line of `path`, or of its nearest ancestor the YAML spelled out."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1

    def walk(self, loader: UntrustedLoader, node: yaml.Node, path: Path) -> None:
        # The loader refuses aliases, so every node is met once: the walk is linear.
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            self._walk_mapping(loader, node, path)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.walk(loader, item, (*path, index))

    def _walk_mapping(self, loader: UntrustedLoader, node: yaml.MappingNode, path: Path) -> None:
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE_TAG:
                continue
            key = loader.construct_object(key_node)
            key_path = (*path, key)
            if key in seen:
                self.duplicates.append((key_path, key_node.start_mark.line + 1))
            seen.add(key)
            self.lines[key_path] = key_node.start_mark.line + 1
            self.walk(loader, value_node, key_path)


def _load_yaml(text: str) -> tuple[Any, _LineMap]:
    """The YAML data and where each piece was written; raises yaml.YAMLError or ValueError."""
    check_size(text)
    loader = UntrustedLoader(text)
    try:
        node = loader.get_single_node()
        line_map = _LineMap()
        if node is None:
            return None, line_map
        # Walk before constructing: construction flattens `<<` merges in place.
        line_map.walk(loader, node, ())
        return loader.construct_document(node), line_map
    finally:
        loader.dispose()


def _yaml_error(error: Exception, text: str, filename: str) -> BankError:
    if isinstance(error, YamlLimitError):
        return BankError(filename, error.line, error.message)
    mark = getattr(error, "problem_mark", None)
    if mark is not None:
        problem, context = error.problem, error.context  # type: ignore[attr-defined]
        detail = f"{problem} ({context})" if context else str(problem)
        return BankError(filename, mark.line + 1, f"YAML syntax error: {detail}")
    position = getattr(error, "position", None)  # ReaderError: a forbidden character
    line = text.count("\n", 0, position) + 1 if isinstance(position, int) else 1
    return BankError(filename, line, f"cannot read the YAML: {error}")


def parse_bank(text: str, filename: str) -> BankParseResult:
    """Parse a bank file's text into normalised questions and `file:line` errors."""
    try:
        data, line_map = _load_yaml(text)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as error:
        return BankParseResult(filename, None, errors=[_yaml_error(error, text, filename)])
    result = BankParseResult(filename, None)
    result.errors += [
        BankError(filename, line, f"duplicate key {path[-1]!r}; the last one would win")
        for path, line in line_map.duplicates
    ]
    if data is None:
        result.errors.append(BankError(filename, 1, "the file is empty; expected `questions:`"))
        return result
    _dates_as_text(data)
    problems = file_problems(data)
    result.errors += [_error(filename, line_map, problem.path, problem) for problem in problems]
    if len(problems) >= MAX_PROBLEMS:
        message = f"more than {MAX_PROBLEMS} problems; the rest of the file was not checked"
        result.errors.append(BankError(filename, 1, message))
    if (
        len(problems) >= MAX_PROBLEMS
        or not isinstance(data, dict)
        or not isinstance(data.get("questions"), list)
    ):
        result.errors.sort(key=lambda error: error.line)
        return result
    if isinstance(data.get("lesson"), int | str):
        result.lesson_key = data["lesson"]
    broken = {p.path[1] for p in problems if len(p.path) > 1 and p.path[0] == "questions"}
    _read_questions(result, data["questions"], broken, line_map)
    if not any(p.path[:1] in (("quiz",), ("quizzes",)) for p in problems):
        _read_quiz_rules(result, data, line_map)
    result.errors.sort(key=lambda error: error.line)
    return result


def _quiz_blocks(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], Any]]:
    """(path, block) of each quiz-rules block in the file."""
    blocks: list[tuple[tuple[Any, ...], Any]] = []
    if "quiz" in data:
        blocks.append((("quiz",), data["quiz"]))
    if isinstance(data.get("quizzes"), dict):
        blocks += [(("quizzes", key), block) for key, block in data["quizzes"].items()]
    return blocks


def _dates_as_text(data: Any) -> None:
    """YAML reads an unquoted `2026-12-08T23:59:00+01:00` as a datetime: give the schema
    the text back, so one pattern checks every spelling (and a date without its time or
    offset gets the schema's message, not a silent midnight UTC)."""
    if not isinstance(data, dict):
        return
    for _path, block in _quiz_blocks(data):
        if not isinstance(block, dict):
            continue
        for key in ("opens", "closes"):
            value = block.get(key)
            if isinstance(value, datetime | date):
                block[key] = value.isoformat()


def _read_quiz_rules(result: BankParseResult, data: dict[str, Any], line_map: _LineMap) -> None:
    for path, block in _quiz_blocks(data):
        rules = rules_from_block(block)
        problem = dates_problem(rules)
        if problem is not None:
            line = line_map.line_of((*path, "closes"))
            result.errors.append(BankError(result.filename, line, f"{path[0]}: {problem}"))
        elif path == ("quiz",):
            result.quiz = rules
        else:
            result.quizzes[path[1]] = rules


def _read_questions(
    result: BankParseResult, raws: list[Any], broken: set[Any], line_map: _LineMap
) -> None:
    """Normalise each structurally valid question, check its type's rules and unique id."""
    for index, raw in enumerate(raws):
        base: Path = ("questions", index)
        question_id = raw.get("id") if isinstance(raw, dict) else None
        if isinstance(question_id, str) and _is_duplicate(result, question_id, base, line_map):
            continue
        if index in broken:
            continue
        question = normalise_question(raw)
        problems = semantic_problems(question)
        for problem in problems:
            result.errors.append(_error(result.filename, line_map, (*base, *problem.path), problem))
        if not problems:
            if question["lesson"] is None:
                question["lesson"] = result.lesson_key
            result.questions.append(question)


def _is_duplicate(result: BankParseResult, question_id: str, base: Path, lines: _LineMap) -> bool:
    line = lines.line_of((*base, "id"))
    first = result.ids.get(question_id)
    if first is None:
        result.ids[question_id] = line
        return False
    result.errors.append(
        BankError(
            result.filename,
            line,
            f"duplicate id {question_id!r} (first used on line {first}); ids must be unique",
        )
    )
    return True


def _error(filename: str, line_map: _LineMap, path: Path, problem: Problem) -> BankError:
    return BankError(filename, line_map.line_of(path), problem.message)


def check_banks(results: Iterable[BankParseResult]) -> list[BankError]:
    """Ids used in more than one file (duplicates within a file are reported by parse_bank)."""
    first_seen: dict[str, tuple[str, int]] = {}
    errors = []
    for result in results:
        for question_id, line in result.ids.items():
            where = first_seen.setdefault(question_id, (result.filename, line))
            if where[0] != result.filename:
                errors.append(
                    BankError(
                        result.filename,
                        line,
                        f"duplicate id {question_id!r} (also "
                        f"used at {where[0]}:{where[1]}); ids must be unique in a course",
                    )
                )
    return errors


def parse_banks(files: Mapping[str, str]) -> tuple[list[BankParseResult], list[BankError]]:
    """Parse several bank files (`{filename: text}`) together: results and every error."""
    results = [parse_bank(text, filename) for filename, text in files.items()]
    errors = [error for result in results for error in result.errors]
    return results, errors + check_banks(results)


class _BankDumper(yaml.SafeDumper):
    """Block style with list items indented under their key, and Markdown as `|` blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        # Two questions sharing one list must not come out as &id001/*id001: banks refuse them.
        return True


# PyYAML writes these bare, and reading them back turns them into other characters.
_NEEDS_ESCAPES = frozenset("\x85\u2028\u2029\ufeff")


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    # PyYAML falls back to quoting when a literal block cannot hold the text exactly.
    if _NEEDS_ESCAPES.intersection(text):
        style: str | None = '"'
    else:
        style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_BankDumper.add_representer(str, _represent_str)


def dump_bank(
    questions: Sequence[dict[str, Any]],
    lesson: int | str | None = None,
    quizzes: Mapping[int | str, dict[str, Any]] | None = None,
) -> str:
    """YAML text for normalised questions; `parse_bank` of it gives the same questions.

    With `lesson`, the file says `lesson:` once and only questions of other lessons carry
    their own; without, each question with a lesson carries it. `quizzes` are `quiz:`
    blocks (quiz_rules.rules_to_block) by lesson: the file's own lesson's is written as
    `quiz:`, the others under `quizzes:`.
    """
    items = []
    for question in questions:
        item = question_to_yaml(question)
        own = question.get("lesson")
        if own is not None and own != lesson:
            item["lesson"] = own
        items.append(item)
    document: dict[str, Any] = {} if lesson is None else {"lesson": lesson}
    blocks = {key: block for key, block in (quizzes or {}).items() if block}
    if lesson is not None and blocks.get(lesson):
        document["quiz"] = blocks.pop(lesson)
    if blocks:
        document["quizzes"] = blocks
    document["questions"] = items
    return yaml.dump(
        document,
        Dumper=_BankDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


def read_bank_file(text: str, filename: str) -> ParsedFile:
    """The formats table's YAML parser: `parse_bank`, each question at its id's line."""
    result = parse_bank(text, filename)
    quizzes = dict(result.quizzes)
    if result.quiz is not None and result.lesson_key is not None:
        quizzes[result.lesson_key] = result.quiz
    return ParsedFile(
        questions=[(q, result.ids.get(q["id"], 1)) for q in result.questions],
        errors=[str(error) for error in result.errors],
        quizzes=quizzes,
    )


def write_bank_file(course: ExportCourse) -> WrittenFile:
    """One course-wide bank: every question names its lesson by number."""
    questions = [
        {**question, "lesson": lesson.number}
        for lesson in course.lessons
        for question in lesson.questions
    ]
    quizzes = {lesson.number: lesson.quiz for lesson in course.lessons if lesson.quiz}
    return WrittenFile(dump_bank(questions, quizzes=quizzes).encode("utf-8"))
