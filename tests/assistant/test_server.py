"""The placeholder server, through FastAPI's test client over the real index."""

from fastapi.testclient import TestClient

from assistant.server import create_app


def test_health_status_page_and_search(built_index):
    settings, _ = built_index
    client = TestClient(create_app(settings))
    assert client.get("/healthz").json() == {"status": "ok"}
    page = client.get("/")
    assert page.status_code == 200 and "wenda" in page.text and page.text.count("<li>") == 5
    hits = client.get("/api/search", params={"q": "阿拉善右旗驼奶产量", "k": 3}).json()["hits"]
    assert len(hits) == 3 and any("300吨" in h["text"] for h in hits)


def test_bad_requests_get_a_4xx_with_a_reason(built_index):
    settings, _ = built_index
    client = TestClient(create_app(settings))
    empty = client.get("/api/search", params={"q": ""})
    assert empty.status_code == 422 and "q" in empty.text
    assert client.get("/api/search", params={"q": "x" * 501}).status_code == 422
    assert client.get("/api/search", params={"q": "乌海", "k": 0}).status_code == 422


def test_missing_index_is_a_503_with_a_reason(tmp_path):
    from tests.conftest import make_settings

    client = TestClient(create_app(make_settings(tmp_path, tmp_path / "none")))
    response = client.get("/api/search", params={"q": "乌海"})
    assert response.status_code == 503 and "wenda index" in response.json()["detail"]
