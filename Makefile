# Lingkar — BPJS Ketenagakerjaan outreach assistant. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   ?= .venv
PY     := $(VENV)/bin/python
RASA   := $(VENV)/bin/rasa
MODEL  := models/lingkar.tar.gz
SETUP  := $(VENV)/.lock-installed

# Quiet, offline-friendly defaults for every command below.
export RASA_TELEMETRY_ENABLED ?= false
export TF_CPP_MIN_LOG_LEVEL ?= 2
export SQLALCHEMY_SILENCE_UBER_WARNING ?= 1
export PYTHONDONTWRITEBYTECODE ?= 1
export RASA_PORT ?= 5005
export ACTION_SERVER_PORT ?= 5055

# Everything that changes what `rasa train` produces. The model is rebuilt only when one of these is newer.
# content/facts.yml, content/answers.yml and content/signals.yml are read by the action server at run time, not
# trained on. The folders nlu/ and stories/ count too: removing a training file changes their time, not a file's.
TRAIN_INPUTS := config.yml domain.yml nlu/. stories/. $(shell find nlu stories content -name '*.yml' -not -name facts.yml \
                  -not -name answers.yml -not -name signals.yml 2>/dev/null) \
                $(shell find rasa_plugins/nlu lingkar/parsing -name "*.py" 2>/dev/null)

.PHONY: help setup run serve train test lint validate unit nlu-eval stories blind-eval blind-floor dev-eval bench load helm-check chaos chaos-short export lock bench-broadcast \
        clean services facts-report broadcast broadcast-status outreach-worker reminders answer-lengths

help: ## Show this help
	@echo "Lingkar make targets:"
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk -F':.*?## ' '{printf "  make %-16s %s\n", $$1, $$2}'
	@echo "Settings come from the environment (see README): TELEGRAM_BOT_TOKEN, WHATSAPP_*, REDIS_URL, DATABASE_URL, BROADCAST_*, RASA_PORT, ACTION_SERVER_PORT, PYTHON."

setup: $(SETUP) ## Create .venv with Python 3.10 and install the pinned dependencies

$(SETUP): requirements.lock scripts/bootstrap.sh scripts/find-python.sh
	@scripts/bootstrap.sh

train: $(MODEL) ## Train the model (only when data, config or NLU code changed)

$(MODEL): $(SETUP) $(TRAIN_INPUTS)
	@mkdir -p models
	$(RASA) train --config config.yml --domain domain.yml --data nlu stories --out models --fixed-model-name lingkar
	@touch $(MODEL)

run: $(SETUP) $(MODEL) ## Chat in the terminal, or serve Telegram (TELEGRAM_BOT_TOKEN) and/or WhatsApp (WHATSAPP_TOKEN), restarting parts that die
	@$(PY) -m bot.stack run

serve: $(SETUP) $(MODEL) ## Rasa (REST + HTTP API, token) on 127.0.0.1:5005 and the action server on :5055, supervised
	@$(PY) -m bot.stack serve

test: $(SETUP) $(MODEL) lint validate unit nlu-eval stories blind-floor ## Everything: lint, data validation, unit+integration tests, NLU evaluation, test stories, the blind set's floor
	@echo ">> make test: all checks passed"

lint: $(SETUP) ## ruff over the Python code
	$(VENV)/bin/ruff check lingkar actions bot rasa_plugins tests scripts docker

validate: $(SETUP) ## rasa data validate (warnings fail)
	$(RASA) data validate --config config.yml --domain domain.yml --data nlu stories --fail-on-warnings

services: ## Start the local Redis and PostgreSQL the tests use; install docker-compose/chromium if missing
	@scripts/ensure-services.sh
	@scripts/ensure-tools.sh

unit: $(SETUP) $(MODEL) services ## pytest: unit, integration and end-to-end tests (with the short chaos run)
	$(PY) -m pytest -q --durations=30 tests

nlu-eval: $(SETUP) $(MODEL) ## Held-out NLU evaluation; fails under the accuracy bar, writes reports/nlu/
	$(PY) scripts/nlu_eval.py --model $(MODEL)

stories: $(SETUP) $(MODEL) ## Test stories through a real action server
	$(PY) scripts/test_stories.py --model $(MODEL)

blind-eval: $(SETUP) $(MODEL) ## The blind set (tests/blind/) through the live bot, per style; results in reports/answers/blind.md
	$(PY) scripts/blind_eval.py

# The blind set may not fall below this share of messages: issue 12's bar, 0.90 (8 Dec 2026: 90.2%), and 0.85 in each
# style. Raise it as the figure rises.
BLIND_MIN ?= 0.90
BLIND_STYLE_MIN ?= 0.85
blind-floor: $(SETUP) $(MODEL) ## The blind set through the live bot, failing under BLIND_MIN (default 0.90) overall or BLIND_STYLE_MIN (default 0.85) in any style; reports/answers/
	$(PY) scripts/blind_eval.py --min $(BLIND_MIN) --min-style $(BLIND_STYLE_MIN)

dev-eval: $(SETUP) $(MODEL) ## The tuning sets (tests/dev/, dev2/ … dev34/: blind-written, but read and tuned on) through the live bot; reports/dev*/blind.md
	$(PY) scripts/blind_eval.py --set tests/dev --out reports/dev
	$(PY) scripts/blind_eval.py --set tests/dev2 --out reports/dev2
	$(PY) scripts/blind_eval.py --set tests/dev3 --out reports/dev3
	$(PY) scripts/blind_eval.py --set tests/dev4 --out reports/dev4
	$(PY) scripts/blind_eval.py --set tests/dev5 --out reports/dev5
	$(PY) scripts/blind_eval.py --set tests/dev6 --out reports/dev6
	$(PY) scripts/blind_eval.py --set tests/dev7 --out reports/dev7
	$(PY) scripts/blind_eval.py --set tests/dev8 --out reports/dev8
	$(PY) scripts/blind_eval.py --set tests/dev9 --out reports/dev9
	$(PY) scripts/blind_eval.py --set tests/dev10 --out reports/dev10
	$(PY) scripts/blind_eval.py --set tests/dev11 --out reports/dev11
	$(PY) scripts/blind_eval.py --set tests/dev12 --out reports/dev12
	$(PY) scripts/blind_eval.py --set tests/dev13 --out reports/dev13
	$(PY) scripts/blind_eval.py --set tests/dev14 --out reports/dev14
	$(PY) scripts/blind_eval.py --set tests/dev15 --out reports/dev15
	$(PY) scripts/blind_eval.py --set tests/dev16 --out reports/dev16
	$(PY) scripts/blind_eval.py --set tests/dev17 --out reports/dev17
	$(PY) scripts/blind_eval.py --set tests/dev18 --out reports/dev18
	$(PY) scripts/blind_eval.py --set tests/dev19 --out reports/dev19
	$(PY) scripts/blind_eval.py --set tests/dev20 --out reports/dev20
	$(PY) scripts/blind_eval.py --set tests/dev21 --out reports/dev21
	$(PY) scripts/blind_eval.py --set tests/dev22 --out reports/dev22
	$(PY) scripts/blind_eval.py --set tests/dev23 --out reports/dev23
	$(PY) scripts/blind_eval.py --set tests/dev24 --out reports/dev24
	$(PY) scripts/blind_eval.py --set tests/dev25 --out reports/dev25
	$(PY) scripts/blind_eval.py --set tests/dev26 --out reports/dev26
	$(PY) scripts/blind_eval.py --set tests/dev27 --out reports/dev27
	$(PY) scripts/blind_eval.py --set tests/dev28 --out reports/dev28
	$(PY) scripts/blind_eval.py --set tests/dev29 --out reports/dev29
	$(PY) scripts/blind_eval.py --set tests/dev30 --out reports/dev30
	$(PY) scripts/blind_eval.py --set tests/dev31 --out reports/dev31
	$(PY) scripts/blind_eval.py --set tests/dev32 --out reports/dev32
	$(PY) scripts/blind_eval.py --set tests/dev33 --out reports/dev33
	$(PY) scripts/blind_eval.py --set tests/dev34 --out reports/dev34
chaos: $(SETUP) $(MODEL) services ## Fault-injection suite: kill every part of the real stack under a crowd; reports/chaos/
	$(PY) -m tests.chaos.run --out reports/chaos

chaos-short: $(SETUP) $(MODEL) services ## The short chaos run alone (make test runs it: tests/chaos/test_chaos_short.py)
	$(PY) -m tests.chaos.run --short --out reports/chaos-short

load: $(SETUP) $(MODEL) services ## Open-loop rate ladder (Redis tracker, PostgreSQL; RATES=10,20,... REPLICAS=1 TARGET=rest|telegram); reports/load/
	$(PY) scripts/load.py $(if $(RATES),--rates $(RATES)) $(if $(REPLICAS),--rasa-replicas $(REPLICAS)) $(if $(TARGET),--target $(TARGET))

helm-check: ## Lint, render (default + ci/ values) and schema-validate the Helm chart deploy/helm/lingkar; reports/helm/
	@py=$$(scripts/ensure-helm-tools.sh) && $$py scripts/helm_check.py

bench: $(SETUP) $(MODEL) services ## Benchmarks (training, startup, memory, latency); results in reports/bench/
	$(PY) scripts/bench.py

bench-broadcast: $(SETUP) services ## A broadcast to N=100000 fake subscribers (WORKERS=2 SCALE=1: rate caps x SCALE; ~42 min at 1); reports/bench/broadcast.md
	$(PY) scripts/bench_broadcast.py $(if $(N),--subscribers $(N)) $(if $(WORKERS),--workers $(WORKERS)) $(if $(SCALE),--rate-scale $(SCALE))

export: $(SETUP) ## Print every lead as CSV (header row first) on standard output (NIK masked)
	@$(PY) -m lingkar.store upgrade >&2
	@$(PY) -m lingkar.store export

facts-report: $(SETUP) ## Every fact with its value on a date, source, status (DATE=YYYY-MM-DD, default today)
	@$(PY) scripts/facts_report.py $(if $(DATE),--date $(DATE))

broadcast: $(SETUP) ## Queue a broadcast to a topic's subscribers (FILE=<message file> TOPIC=<topic> CONFIRM=yes); prints its id
	@if [ "$(CONFIRM)" != "yes" ]; then \
	  echo "error: a broadcast goes to real people: make broadcast FILE=<message file> TOPIC=<topic> CONFIRM=yes" >&2; \
	  exit 2; fi
	@if [ -z "$(FILE)" ] || [ -z "$(TOPIC)" ]; then echo "error: FILE=<message file> and TOPIC=<topic> are required" >&2; exit 2; fi
	@$(PY) -m bot.outreach broadcast --file "$(FILE)" --topic "$(TOPIC)" --confirm

broadcast-status: $(SETUP) ## A broadcast's counts as JSON (ID=<id>): queued, sent, delivered, read, failed, unsubscribed
	@if [ -z "$(ID)" ]; then echo "error: ID=<broadcast id> is required" >&2; exit 2; fi
	@$(PY) -m bot.outreach status --id "$(ID)"

reminders: $(SETUP) ## Send the payment reminders due on DATE=YYYY-MM-DD and not yet sent (exactly once; catching up after an outage)
	@if [ -z "$(DATE)" ]; then echo "error: DATE=YYYY-MM-DD is required" >&2; exit 2; fi
	@$(PY) -m bot.outreach reminders --date "$(DATE)"

outreach-worker: $(SETUP) ## Run broadcast and payment-reminder jobs until Ctrl-C (more processes = more throughput; pause/resume/cancel: python -m bot.outreach --help)
	$(PY) -m bot.outreach worker

answer-lengths: $(SETUP) ## Every answer and flow text on a phone screen, messages per turn (DATE=YYYY-MM-DD); reports/answers/lengths.md
	@$(PY) scripts/answer_lengths.py $(if $(DATE),--date $(DATE))

lock: ## Re-resolve requirements.in into requirements.lock (needs the package registry)
	@scripts/lock.sh

clean: ## Remove the venv, models and generated reports (keeps var/ data)
	rm -rf $(VENV) models reports .pytest_cache .ruff_cache
