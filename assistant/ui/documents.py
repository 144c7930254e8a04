"""The Documents tab: the document list with status, drag-and-drop upload, indexing progress, delete with
confirmation and metadata editing, over the same DocumentManager as `/api/documents`.

Who may change documents follows the API's rule (assistant.keys.document_permission): with admin keys the
tab asks for one; with API keys only, the chat's login (an API key) is enough; without keys, this machine only.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.documents import DocumentManager
from assistant.keys import Permission, admin_keys, api_keys, document_permission
from assistant.reindexer import BuildStatus
from assistant.settings import Settings
from indexing.library import DocumentError, DocumentInfo, Upload
from indexing.registry import MetadataOverride

logger = logging.getLogger(__name__)

_POLL_S = 1.0
_STATUS_LABELS = {"indexed": "indexed 已索引", "pending": "waiting 等待索引", "indexing": "indexing 索引中",
                  "failed": "failed 失败", "removing": "removing 删除中"}
_PHASES = {"scan": "reading the documents 读取文档", "embed": "embedding passages 生成向量",
           "write": "writing the index 写入索引", "published": "switching to the new index 切换索引",
           "swap": "switching to the new index 切换索引"}


def documents_table_html(documents: list[DocumentInfo]) -> str:
    """The document list as an HTML table (one row per document, its status as a data attribute)."""
    if not documents:
        return "<div class='wenda-docs-empty'>No documents yet. 暂无文档。</div>"
    rows = []
    for d in documents:
        status = html.escape(_STATUS_LABELS.get(d.status, d.status))
        if d.reason:
            status += f"<div class='wenda-docs-reason'>{html.escape(d.reason)}</div>"
        cells = [html.escape(d.title or ""), html.escape(d.type or ""), "" if d.pages is None else str(d.pages),
                 "" if d.passages is None else str(d.passages), html.escape(d.date or ""),
                 html.escape(d.source or ""), status, html.escape((d.indexed_at or "").replace("T", " ")[:16])]
        rows.append(f"<tr data-id='{html.escape(d.id, quote=True)}' data-status='{d.status}'>"
                    f"<td class='wenda-docs-id'>{html.escape(d.id)}</td>"
                    + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    head = "".join(f"<th>{h}</th>" for h in ("id", "title 标题", "type 类型", "pages 页数", "passages 段落",
                                              "date 日期", "source 来源", "status 状态", "indexed 索引时间"))
    return f"<table class='wenda-docs'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def progress_html(status: BuildStatus) -> str:
    """The indexing state with a progress bar while a build runs."""
    if status.state in ("queued", "running"):
        phase = _PHASES.get(status.phase or "", "starting 准备中")
        bar = (f"<progress max='{status.total}' value='{status.done}'></progress> {status.done}/{status.total}"
               if status.total else "<progress></progress>")
        return f"<div class='wenda-docs-progress' data-state='running'>Indexing 正在索引: {phase} {bar}</div>"
    if status.state == "failed":
        return (f"<div class='wenda-docs-progress' data-state='failed'>⚠️ Indexing failed 索引失败: "
                f"{html.escape(status.error or '')}</div>")
    done = " · last build 上次索引: " + html.escape(status.build_id) if status.build_id else ""
    return f"<div class='wenda-docs-progress' data-state='idle'>Index up to date 索引已是最新{done}</div>"


def _choices(documents: list[DocumentInfo]) -> list[tuple[str, str]]:
    return [(f"{d.title} ({d.id})", d.id) for d in documents if d.status != "removing"]


class DocumentHandlers:
    """What the Documents tab does on upload, delete, edit and while it polls the build."""

    def __init__(self, settings: Settings, manager: DocumentManager) -> None:
        self.settings = settings
        self.manager = manager

    @property
    def needs_admin_key(self) -> bool:
        """The tab asks for an admin key (admin keys are configured)."""
        return bool(admin_keys(self.settings))

    def permission(self, key: str, request: gr.Request | None) -> Permission:
        """Whether this page's user may change documents (see the module docstring)."""
        host = request.client.host if request is not None and request.client else None
        if not self.needs_admin_key and api_keys(self.settings):
            return Permission(True)  # the page itself is behind the API-key login
        return document_permission(self.settings, (key or "").strip() or None, host)

    def view(self, message: str | None = None) -> tuple[Any, ...]:
        """Table, progress, message, the document picker's choices and whether to keep polling."""
        documents = self.manager.list()
        status = self.manager.status()
        building = status.state in ("queued", "running")
        return (documents_table_html(documents), progress_html(status),
                gr.skip() if message is None else message,
                gr.update(choices=_choices(documents)), gr.Timer(active=building))

    def refresh(self) -> tuple[Any, ...]:
        """The periodic update while a build runs."""
        return self.view()

    def upload(self, files: list[str] | None, key: str, request: gr.Request) -> tuple[Any, ...]:
        """Add the dropped files; the message says what was added, what was a duplicate, or why nothing was."""
        if not files:
            return (*self.view(), None)
        permission = self.permission(key, request)
        if not permission.allowed:
            return (*self.view(f"⚠️ {permission.reason}"), None)
        try:
            uploads = [Upload(Path(f).name, Path(f).read_bytes()) for f in files]
            results = self.manager.add(uploads)
        except DocumentError as error:
            return (*self.view(f"⚠️ Not added 未添加: {error}"), None)
        lines = [f"✅ {r.name} → {r.doc_id} ({r.file_type}{f', {r.pages} pages' if r.pages else ''})"
                 if r.status == "added" else f"⚠️ {r.name}: same content as {r.duplicate_of}; not added again 重复文件"
                 for r in results]
        return (*self.view("\n\n".join(lines)), None)

    def ask_delete(self, doc_id: str | None) -> tuple[Any, Any]:
        """Show the confirmation for deleting the chosen document."""
        if not doc_id:
            return gr.update(visible=False), "⚠️ Choose a document first. 请先选择文档。"
        return gr.update(visible=True), f"Delete **{doc_id}**? It will no longer be cited. 确认删除？"

    def delete(self, doc_id: str | None, key: str, request: gr.Request) -> tuple[Any, ...]:
        """Delete the chosen document (after confirmation)."""
        hidden = gr.update(visible=False)
        permission = self.permission(key, request)
        if not permission.allowed:
            return (*self.view(f"⚠️ {permission.reason}"), hidden)
        try:
            removed = self.manager.remove(doc_id or "")
        except DocumentError as error:
            return (*self.view(f"⚠️ {error}"), hidden)
        return (*self.view(f"🗑️ Deleted 已删除: {removed.title} ({removed.id})"), hidden)

    def cancel_delete(self) -> tuple[Any, str]:
        """Hide the confirmation."""
        return gr.update(visible=False), ""

    def load_metadata(self, doc_id: str | None) -> tuple[Any, ...]:
        """Fill the metadata fields with the chosen document's values."""
        if not doc_id:
            return ("",) * 5
        documents = {d.id: d for d in self.manager.list()}
        document = documents.get(doc_id)
        if document is None:
            return ("",) * 5
        return (document.title or "", document.date or "", document.source or "", document.region or "",
                ", ".join(document.aliases))

    def save_metadata(self, doc_id: str | None, title: str, date: str, source: str, region: str, aliases: str,
                      key: str, request: gr.Request) -> tuple[Any, ...]:
        """Save the edited metadata (an empty field clears an earlier edit) and re-index the document."""
        permission = self.permission(key, request)
        if not permission.allowed:
            return self.view(f"⚠️ {permission.reason}")
        if not doc_id:
            return self.view("⚠️ Choose a document first. 请先选择文档。")
        names = [a.strip() for a in aliases.replace("，", ",").replace("、", ",").split(",") if a.strip()]
        try:
            changes = MetadataOverride(title=title.strip(), date=date.strip(), source=source.strip(),
                                       region=region.strip(), aliases=names)
            updated = self.manager.update(doc_id, changes)
        except (DocumentError, ValueError) as error:
            return self.view(f"⚠️ {error}")
        return self.view(f"✅ Saved 已保存: {updated.title} ({updated.id}); re-indexing 重新索引中")


def build_documents_tab(handlers: DocumentHandlers) -> list[Any]:
    """The tab's layout and events (inside an open gr.Tab); the components the page fills when it loads."""
    gr.Markdown("Add PDF, Word (.docx), HTML, Markdown or text files; they are answerable once indexed. "
                "添加 PDF、Word 等文档，索引完成后即可提问。")
    key = gr.Textbox(label="Admin key 管理密钥", type="password", visible=handlers.needs_admin_key,
                     elem_id="wenda-docs-key")
    progress = gr.HTML(elem_id="wenda-docs-progress")
    upload = gr.File(label="Drop files here 拖放文件到这里", file_count="multiple", type="filepath",
                     elem_id="wenda-docs-upload")
    message = gr.Markdown(elem_id="wenda-docs-message")
    table = gr.HTML(elem_id="wenda-docs-table")
    with gr.Row():
        picker = gr.Dropdown(label="Document 文档", choices=[], scale=4, elem_id="wenda-docs-select")
        delete = gr.Button("Delete 删除", variant="stop", scale=1, min_width=80, elem_id="wenda-docs-delete")
    with gr.Row(visible=False, elem_id="wenda-docs-confirm-row") as confirm_row:
        confirm = gr.Button("Yes, delete 确认删除", variant="stop", elem_id="wenda-docs-confirm")
        cancel = gr.Button("Cancel 取消", elem_id="wenda-docs-cancel")
    with gr.Accordion("Edit metadata 编辑元数据", open=False, elem_id="wenda-docs-edit"):
        with gr.Row():
            title = gr.Textbox(label="Title 标题", elem_id="wenda-docs-title")
            date = gr.Textbox(label="Date 日期 (YYYY-MM-DD)", elem_id="wenda-docs-date")
            source = gr.Textbox(label="Source 来源", elem_id="wenda-docs-source")
        with gr.Row():
            region = gr.Textbox(label="Place 地区", elem_id="wenda-docs-region")
            aliases = gr.Textbox(label="Other names, romanised too 别名（含拼音）, comma-separated",
                                 elem_id="wenda-docs-aliases")
        save = gr.Button("Save 保存", elem_id="wenda-docs-save")
    timer = gr.Timer(_POLL_S, active=False)

    view = [table, progress, message, picker, timer]
    private = {"api_visibility": "private"}
    timer.tick(handlers.refresh, None, view, show_progress="hidden", **private)
    upload.upload(handlers.upload, [upload, key], [*view, upload], **private)
    delete.click(handlers.ask_delete, [picker], [confirm_row, message], **private)
    confirm.click(handlers.delete, [picker, key], [*view, confirm_row], **private)
    cancel.click(handlers.cancel_delete, None, [confirm_row, message], **private)
    picker.change(handlers.load_metadata, [picker], [title, date, source, region, aliases], **private)
    save.click(handlers.save_metadata, [picker, title, date, source, region, aliases, key], view, **private)
    return view
