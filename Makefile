# QuizApp developer commands. Each target creates .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
STAMP := $(VENV)/.installed
TEST_WORKERS ?= 2
TEST_PATHS ?= tests

.PHONY: run test lint bench translations messages install clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP) translations

translations: $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d quizapp/translations -D messages >/dev/null

# Re-extract the UI strings and merge them into the es/en catalogues (then translate es).
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -o quizapp/translations/messages.pot .
	$(BIN)/pybabel update -i quizapp/translations/messages.pot -d quizapp/translations --no-fuzzy-matching

run: install
	$(BIN)/quizapp db upgrade
	$(BIN)/quizapp content load
	$(BIN)/quizapp demo
	$(BIN)/quizapp run --host 127.0.0.1 --port $(PORT)

test: install
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist worksteal $(TEST_PATHS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -r quizapp -lll

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance/*.db .pytest_cache .ruff_cache
