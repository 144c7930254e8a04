"""Property-based requests from the API's own OpenAPI schema (schemathesis): whatever a client sends
within or around the schema, the answer is never a 5xx."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from assistant.components import assistant
from assistant.server import create_app


@pytest.fixture(scope="module")
def api_app(built_index, real_embeddings, tmp_path_factory):
    base, _ = built_index
    config = base.model_copy(update={"llm": base.llm.model_copy(update={"backend": "extractive"}),
                                     "feedback_db": tmp_path_factory.mktemp("fuzz") / "feedback.sqlite3"})
    app = create_app(config, load_on_start=False, chat=False,
                     factory=lambda: assistant(config, embeddings=real_embeddings))
    app.state.service.get()  # loaded, so /readyz is 200 and every route answers
    return app


def test_no_request_gets_a_server_error(api_app):
    # Operations are walked by hand: schemathesis' pytest fixture loader does not run under this pytest.
    schema = schemathesis.openapi.from_asgi("/openapi.json", api_app)
    # The document routes change the corpus; test_documents_live.py fuzzes them on a corpus of their own.
    operations = [result.ok() for result in schema.get_all_operations()
                  if not result.ok().path.startswith(("/api/documents", "/api/indexing"))]
    assert {"/api/ask", "/v1/chat/completions", "/api/feedback"} <= {op.path for op in operations}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def no_server_error(case) -> None:
            case.call_and_validate(checks=[not_a_server_error])

        no_server_error()
