# Freelancer Registry — developer commands. `make help` lists them.
SHELL := /bin/bash
VENV := .local/venv
PYTEST := $(VENV)/bin/pytest

.PHONY: help install up down restart ps logs test test-unit test-integration test-e2e test-drills bench bench-directory i18n clean

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-17s %s\n", $$1, $$2}'

install:  ## install everything the stack needs into .local/ (Python packages, Kafka jars, DocumentDB, Chromium, wrk)
	@deploy/local/install.sh

up:  ## start the whole system in the background and wait until it is healthy
	@deploy/local/up.sh

down:  ## stop every process of the local stack
	@deploy/local/down.sh

restart: down up  ## stop, then start again

ps:  ## the state of every process of the local stack
	@source deploy/local/env.sh && supervisorctl_ status

logs:  ## follow every process's log (files in .local/logs/)
	@tail -n 20 -F .local/logs/*.log

test: up  ## run every test suite against the real servers (starts the stack if needed)
	@$(PYTEST)

test-unit: install  ## only the tests that need no server
	@$(PYTEST) -m unit

test-integration: up  ## only the tests against real Kafka and MongoDB-protocol servers
	@$(PYTEST) -m integration

test-e2e: up  ## only the tests of the running system over HTTP
	@$(PYTEST) -m e2e

test-drills: up  ## only the failure drills (kill -9, servers stopped, poison messages), each audited
	@$(PYTEST) -m drills

bench: up  ## measure the running stack: intake, latency, pipeline, search, reviewer queue (writes reports/bench.md)
	@PYTHONPATH=.:tests $(VENV)/bin/python -m bench.run

bench-directory: install  ## time the directory's search index at 10k and 100k listings (writes reports/)
	@$(VENV)/bin/python bench/directory_search.py --listings 10000 100000

i18n:  ## refresh every page's message catalogues from the code (messages.pot, ur .po), compile them, list gaps
	@$(VENV)/bin/python -m designkit.catalogues update
	@$(VENV)/bin/python -m designkit.catalogues compile
	@$(VENV)/bin/python -m designkit.catalogues check || echo "translate the messages listed above, then run make i18n again"

clean: down  ## stop the stack and delete its data, logs and mail (keeps installed tools)
	rm -rf .local/data .local/logs .local/mail .local/run
