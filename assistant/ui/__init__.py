"""The browser chat, mounted in the FastAPI app: the full page at `/`, a compact one for iframes at `/embed`."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from assistant.conversations import ConversationStore
from assistant.documents import DocumentManager
from assistant.feedback import FeedbackStore
from assistant.keys import api_keys, key_is_valid
from assistant.service import AssistantService
from assistant.settings import Settings
from assistant.ui.chat import ChatHandlers, build_chat
from assistant.ui.documents import DocumentHandlers

# System fonts: Gradio's default theme fonts are served by Gradio itself, but CJK text needs the system's.
THEME = gr.themes.Default(primary_hue="red", font=["system-ui", "PingFang SC", "Noto Sans CJK SC", "sans-serif"],
                          font_mono=["ui-monospace", "monospace"])
EMBED_PATH = "/embed"
CSS_PATH = Path(__file__).with_name("wenda.css")
HEAD_PATH = Path(__file__).with_name("head.html")


def mount_chat(app: FastAPI, settings: Settings, service: AssistantService, feedback: FeedbackStore,
               documents: DocumentManager | None = None, conversations: ConversationStore | None = None) -> None:
    """Mount the chat pages (with a Documents tab when `documents` is given; on the iframe page only with
    `documents.tab_in_embed`). With API keys configured, the pages ask for one (as the password) first.
    Conversations are kept in `conversations` (default: the feedback's database)."""
    handlers = ChatHandlers(settings, service, feedback, conversations)
    keys = api_keys(settings)
    options = {
        "theme": THEME, "css_paths": [CSS_PATH], "head_paths": [HEAD_PATH],
        "ssr_mode": False, "pwa": False, "mcp_server": False, "enable_monitoring": False, "show_error": True,
        "auth": (lambda _user, password: key_is_valid(keys, password)) if keys else None,
        "auth_message": "wenda needs an API key: any user name, the key as password." if keys else None,
    }
    if keys:
        _close_schema_pages(app, ["", EMBED_PATH])
    tab = DocumentHandlers(settings, documents) if documents is not None else None
    embedded_tab = tab if settings.documents.tab_in_embed else None
    options["max_file_size"] = max(settings.loader.max_document_bytes, settings.loader.max_bytes)
    gr.mount_gradio_app(app, build_chat(handlers, compact=True, documents=embedded_tab), path=EMBED_PATH,
                        footer_links=[], **options)
    gr.mount_gradio_app(app, build_chat(handlers, documents=tab), path="/", footer_links=["api"], **options)


def _close_schema_pages(app: FastAPI, prefixes: list[str]) -> None:
    """Answer 404 for the schema and docs pages under each mount: Gradio's own app serves an OpenAPI schema at
    its root that its login does not cover. Routes added before the mounts take precedence over them."""

    def closed() -> JSONResponse:
        return JSONResponse({"detail": "Not Found"}, status_code=404)

    for prefix in prefixes:
        for page in ("openapi.json", "docs", "redoc"):
            app.add_api_route(f"{prefix}/{page}", closed, methods=["GET", "HEAD"], include_in_schema=False)
