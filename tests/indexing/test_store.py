import os

import pytest

from indexing.store import CURRENT, IndexBusyError, IndexStore
from tests.indexing.test_manifest_helpers import write_minimal_build


def test_publish_switches_current_and_keeps_one_previous_build(tmp_path):
    store = IndexStore(tmp_path / "index")
    assert store.current_build() is None
    published = []
    for build_id in ("b1", "b2", "b3"):
        with store.building(build_id) as staging:
            write_minimal_build(staging, build_id)
            published.append(store.publish(staging, build_id))
    assert store.current_build() == published[-1]
    assert store.current_manifest().build_id == "b3"
    assert os.readlink(tmp_path / "index" / CURRENT) == "builds/b3"
    assert sorted(p.name for p in (tmp_path / "index" / "builds").iterdir()) == ["b2", "b3"]


def test_failed_build_leaves_the_current_build_and_no_staging(tmp_path):
    store = IndexStore(tmp_path / "index")
    with store.building("good") as staging:
        write_minimal_build(staging, "good")
        store.publish(staging, "good")
    with pytest.raises(RuntimeError), store.building("bad") as staging:
        write_minimal_build(staging, "bad")
        raise RuntimeError("disk full")
    assert store.current_manifest().build_id == "good"
    assert not list((tmp_path / "index").glob(".tmp-*"))


def test_stale_staging_of_a_killed_build_is_removed(tmp_path):
    store = IndexStore(tmp_path / "index")
    (tmp_path / "index" / ".tmp-killed").mkdir(parents=True)
    with store.building("next"):
        assert not (tmp_path / "index" / ".tmp-killed").exists()


def test_a_second_concurrent_build_is_refused(tmp_path):
    store = IndexStore(tmp_path / "index")
    with store.locked(), pytest.raises(IndexBusyError), store.locked():
        pass


def test_the_lock_covers_the_whole_build_from_reading_the_corpus(tmp_path):
    from indexing.builder import IndexBuilder
    from indexing.config import IndexConfig
    from tests.conftest import CORPUS

    def no_model():
        raise AssertionError("a refused build must not start embedding")

    store = IndexStore(tmp_path / "index")
    builder = IndexBuilder(CORPUS, store, IndexConfig(), "m", no_model, show_progress=False)
    with store.locked(), pytest.raises(IndexBusyError, match="another process"):
        builder.build()
