"""`/api/documents` status codes and roles, without a model: every request here is answered before a build
would start (refusals, duplicates, missing documents), so the app's assistant factory must never be called."""

from __future__ import annotations

import shutil

import pytest
from fastapi.testclient import TestClient

from assistant.server import create_app
from evals.sample_documents import make_docx, make_pdf
from tests.conftest import article_path, make_settings

LOOPBACK = ("127.0.0.1", 50000)
REMOTE = ("10.1.2.3", 50000)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)


def _never_called():
    raise AssertionError("a refused request reached the assistant")


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    folder = tmp_path_factory.mktemp("samples")
    return make_pdf(folder / "tea.pdf", pages=3).path.read_bytes(), make_docx(folder / "village.docx").path.read_bytes()


def app_for(tmp_path, **changes):
    corpus = tmp_path / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    shutil.copy(article_path("003"), corpus)
    settings = make_settings(corpus, tmp_path / "index").model_copy(update=changes)
    return create_app(settings, load_on_start=False, chat=False, factory=_never_called)


@pytest.fixture
def client(tmp_path):
    with TestClient(app_for(tmp_path), client=LOOPBACK, base_url="http://127.0.0.1") as client:
        yield client


def upload(client: TestClient, *files: tuple[str, bytes], headers: dict | None = None):
    return client.post("/api/documents", files=[("files", f) for f in files], headers=headers or {})


def test_the_list_shows_every_document_with_its_status(client):
    body = client.get("/api/documents").json()
    [document] = body["documents"]
    assert document["id"] == article_path("003").stem and document["status"] == "pending"
    assert set(document) >= {"id", "title", "date", "source", "type", "pages", "passages", "status", "indexed_at"}
    assert body["indexing"]["state"] == "idle" and client.get("/api/indexing").json()["state"] == "idle"


def test_unsupported_content_is_415_whatever_the_file_is_called(client):
    response = upload(client, ("report.pdf", PNG))
    assert response.status_code == 415 and "report.pdf" in response.json()["detail"]
    assert upload(client, ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))).status_code == 415


def test_a_corrupt_file_is_422_with_the_reason_and_nothing_else_changes(client, samples):
    before = client.get("/api/documents").json()["documents"]
    response = upload(client, ("good.docx", samples[1]), ("cut.pdf", samples[0][:4000]))
    assert response.status_code == 422 and "cut.pdf" in response.json()["detail"]
    assert "truncated" in response.json()["detail"]
    assert client.get("/api/documents").json()["documents"] == before
    assert client.get("/api/indexing").json()["state"] == "idle"


def test_files_over_the_limits_are_413(tmp_path, samples):
    app = app_for(tmp_path, loader=make_settings(tmp_path, tmp_path).loader.model_copy(
        update={"max_document_bytes": 5000}))
    with TestClient(app, client=LOOPBACK, base_url="http://127.0.0.1") as client:
        response = upload(client, ("tea.pdf", samples[0]))
        assert response.status_code == 413 and "over the limit of 5000" in response.json()["detail"]
    small = make_settings(tmp_path, tmp_path).documents.model_copy(update={"max_request_bytes": 2048})
    with TestClient(app_for(tmp_path / "b", documents=small), client=LOOPBACK,
                    base_url="http://127.0.0.1") as client:
        response = upload(client, ("tea.pdf", samples[0]))
        assert response.status_code == 413 and "2048" in response.json()["detail"]


def test_a_duplicate_is_reported_and_not_indexed_twice(client):
    response = upload(client, ("again.txt", article_path("003").read_bytes()))
    assert response.status_code == 409
    [result] = response.json()["documents"]
    assert result["status"] == "duplicate" and result["duplicate_of"] == article_path("003").stem
    assert len(client.get("/api/documents").json()["documents"]) == 1
    assert client.get("/api/indexing").json()["state"] == "idle"


def test_missing_documents_are_404_and_bad_edits_422(client):
    assert client.delete("/api/documents/uploads/none").status_code == 404
    assert client.patch("/api/documents/uploads/none", json={"title": "x"}).status_code == 404
    assert client.get("/api/documents/uploads/none").status_code == 404
    doc_id = article_path("003").stem
    for body in ({"date": "20 May"}, {"date": "2016-13-45"}, {"title": 5}, {"aliases": "Wulan"}, {"colour": "red"},
                 {"title": "长" * 301}):
        response = client.patch(f"/api/documents/{doc_id}", json=body)
        assert response.status_code == 422, body
    assert client.post("/api/documents", json={"files": []}).status_code == 422
    too_many = [("files", (f"{n}.png", PNG)) for n in range(21)]
    assert client.post("/api/documents", files=too_many).status_code == 422


@pytest.mark.parametrize(("changes", "headers", "peer", "expected"), [
    ({}, {}, LOOPBACK, 415),                                                   # no keys, this machine: allowed
    ({}, {}, REMOTE, 403),                                                     # no keys, another machine
    ({"admin_keys": "boss"}, {}, REMOTE, 401),
    ({"admin_keys": "boss"}, {"Authorization": "Bearer boss"}, REMOTE, 415),
    ({"admin_keys": "boss", "api_keys": "user"}, {"Authorization": "Bearer user"}, LOOPBACK, 403),
    ({"admin_keys": "boss", "api_keys": "user"}, {"Authorization": "Bearer boss"}, REMOTE, 415),
    ({"admin_keys": "boss", "api_keys": "user"}, {}, LOOPBACK, 401),
    ({"api_keys": "user"}, {"Authorization": "Bearer user"}, REMOTE, 415),     # keys, no admin keys: any key
    ({"api_keys": "user"}, {"Authorization": "Bearer nope"}, LOOPBACK, 401),
])
def test_who_may_change_documents(tmp_path, changes, headers, peer, expected):
    with TestClient(app_for(tmp_path, **changes), client=peer, base_url="http://127.0.0.1") as client:
        assert upload(client, ("x.png", PNG), headers=headers).status_code == expected
        # An unchangeable document is refused the same way before it is looked up.
        expected_delete = 404 if expected == 415 else expected
        assert client.delete("/api/documents/uploads/none", headers=headers).status_code == expected_delete


def test_asking_needs_no_admin_key(tmp_path):
    with TestClient(app_for(tmp_path, admin_keys="boss"), client=REMOTE) as client:
        assert client.get("/api/documents").status_code == 200
    with TestClient(app_for(tmp_path / "k", admin_keys="boss", api_keys="user"), client=REMOTE) as client:
        assert client.get("/api/documents").status_code == 401
        assert client.get("/api/documents", headers={"Authorization": "Bearer user"}).status_code == 200
        assert client.get("/api/documents", headers={"Authorization": "Bearer boss"}).status_code == 200


@pytest.mark.parametrize(("headers", "base_url"), [
    ({"Sec-Fetch-Site": "cross-site"}, "http://127.0.0.1"),       # another site's page, in this machine's browser
    ({"Origin": "http://evil.example"}, "http://127.0.0.1"),
    ({}, "http://rebound.example"),                                # a DNS name rebound to 127.0.0.1
])
def test_a_keyless_change_from_this_machine_on_another_sites_behalf_is_refused(tmp_path, headers, base_url):
    with TestClient(app_for(tmp_path), client=LOOPBACK, base_url=base_url) as client:
        response = upload(client, ("x.png", PNG), headers=headers)
        assert response.status_code == 403, response.text
        assert client.delete("/api/documents/uploads/none", headers=headers).status_code == 403


def test_the_chat_page_of_this_machine_may_change_documents_without_keys(tmp_path):
    same_origin = {"Origin": "http://127.0.0.1:7860", "Sec-Fetch-Site": "same-origin"}
    with TestClient(app_for(tmp_path), client=LOOPBACK, base_url="http://127.0.0.1:7860") as client:
        assert upload(client, ("x.png", PNG), headers=same_origin).status_code == 415  # allowed, then judged
