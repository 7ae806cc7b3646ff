# The project's commands. `make run` and `make test` each set everything up first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8866

.PHONY: setup run dashboard test browser-deps bench bench-cohort lint clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,bench]"
	touch $(STAMP)

setup: $(STAMP)

## The main job: JupyterLab on the planner notebook, the default programme already shown. The
## first run executes a working copy of notebook 01 (build/run/, with its widgets' state)
## before the browser opens; later runs open that copy as you left it (never overwritten:
## delete it for a fresh one). The committed notebook stays clean. Lab's news prompt is off
## (share/jupyter/lab/settings/overrides.json).
## RUN_COPY (where the copy goes) and LAB_ARGS (more options for Lab) may be set: the tests do.
RUN_COPY ?= build/run/01_plan_your_programme.ipynb
run: $(STAMP)
	@test -f $(RUN_COPY) || { echo "Running the planner notebook once (about 30 s)..."; \
	  $(BIN)/jupyter nbconvert --to notebook --execute notebooks/01_plan_your_programme.ipynb \
	    --output-dir $(dir $(RUN_COPY)) --ExecutePreprocessor.store_widget_state=True \
	    --ExecutePreprocessor.timeout=300 --log-level=WARN; }
	JUPYTER_CONFIG_PATH=$(CURDIR) $(BIN)/jupyter lab --ip=127.0.0.1 $(LAB_ARGS) \
	  --ServerApp.root_dir=$(CURDIR) --LabApp.default_url=/lab/tree/$(RUN_COPY) \
	  --LabApp.app_settings_dir=$(CURDIR)/share/jupyter/lab/settings \
	  $(if $(filter 0,$(shell id -u)),--allow-root,)

## The dashboard for people who never read code, served offline on 127.0.0.1 behind a token:
## open the URL it prints (.../?token=...). JUPYTER_TOKEN=... sets the token; else each start
## makes a new one. voila.json: the planner template, a preheated kernel, the upload size, the
## token and the Host and Origin checks (planner/app/serve.py). JUPYTER_PATH serves the
## checkout's template rather than the copy the editable install made, which a pull or an edit
## does not refresh (setup reinstalls only when pyproject.toml changes).
dashboard: $(STAMP)
	JUPYTER_PATH=$(CURDIR)/share/jupyter $(BIN)/voila notebooks/dashboard.ipynb --port=$(PORT) \
	  --Voila.ip=127.0.0.1 --no-browser

## Debian's Chromium for the browser tests (skipped when it is already there).
browser-deps:
	@test -x /usr/bin/chromium || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

## Every test: unit, property, notebook (nbval) and browser tests.
test: $(STAMP) browser-deps
	$(BIN)/python -m pytest --nbval-lax -p no:cacheprovider

bench: $(STAMP) browser-deps
	$(BIN)/python benchmarks/bench_generate.py
	$(BIN)/python benchmarks/bench_widgets.py
	$(BIN)/python benchmarks/bench_logs.py
	$(BIN)/python benchmarks/bench_resources.py
	$(BIN)/python benchmarks/bench_writes.py
	$(BIN)/python benchmarks/bench_browser.py

## Coaches' figures: 200 and 1,000 synthetic athletes, Dask, one export doubling (about 20 min).
bench-cohort: $(STAMP)
	$(BIN)/python benchmarks/bench_cohort.py 200 1000 --workers 1,2 --doubling
	$(BIN)/python benchmarks/bench_cohort_pain.py 200

lint: $(STAMP)
	$(BIN)/ruff check planner tests benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
