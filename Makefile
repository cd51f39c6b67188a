# Set-up and everyday commands. Only Python 3.11 and make are needed; everything else is
# installed into .venv from PyPI.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?= ../shared/data

.PHONY: install browser demo test bench bench-web bench-corpus bench-hostile bench-long bench-hostile-corpus eval lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev,model,postgres,spark]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/presslens demo --out out

# The browser tests drive Debian's chromium through Playwright (never a downloaded browser).
# Only root can install it; anyone else without it gets those tests skipped, not failed.
browser:
	@if [ "$$(id -u)" = 0 ]; then \
	  command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) || true; \
	fi

test: install browser
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python benchmarks/throughput.py

bench-web: install
	$(BIN)/python benchmarks/web_load.py

bench-corpus: install
	$(BIN)/python benchmarks/corpus.py --corpus $(DATA)/polnear/train/text

# Real articles mutated at random (ARTICLES of them, 10,000 by default), each analysed.
ARTICLES ?= 10000
bench-hostile: install
	$(BIN)/python benchmarks/hostile.py --corpus $(DATA)/allsides/articles.jsonl.gz --limit $(ARTICLES)

bench-long: install
	$(BIN)/python benchmarks/long_text.py --corpus $(DATA)/allsides/articles.jsonl.gz --sizes 1,2,4

# ARTICLES real articles and HOSTILE broken items, ingested twice into a temporary store.
HOSTILE ?= 2000
bench-hostile-corpus: install
	$(BIN)/python benchmarks/hostile_corpus.py --corpus $(DATA)/allsides/articles.jsonl.gz \
	  --articles $(ARTICLES) --hostile $(HOSTILE)

eval: install
	$(BIN)/presslens eval extraction $(DATA)/article-extraction
	$(BIN)/presslens eval polnear $(DATA)/polnear/dev
	$(BIN)/presslens eval case2021 $(DATA)/case2021-events
	$(BIN)/presslens eval babe $(DATA)/babe
	$(BIN)/presslens eval ptc $(DATA)/ptc

lint: install
	$(BIN)/ruff check src tests benchmarks

clean:
	rm -rf $(VENV) out build src/*.egg-info
