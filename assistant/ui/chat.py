"""The Gradio chat: streamed answers, a sources panel, thumbs up/down with comments, loading and error states,
and conversations that survive a reload.

`ChatHandlers` holds the event handlers (plain methods over the assistant service, the feedback store and the
conversation store); `build_chat` lays out the page. The full page is mounted at `/`, a compact one for iframes
at `/embed`.

A reload keeps the conversation: its id is kept in the browser's localStorage (Gradio's BrowserState) and the
turns in the conversation store, so the page reloads them from whichever replica serves it. localStorage rather
than the URL: the id is the only key to the conversation, and a URL travels (history, shared links, proxy logs,
screenshots) where localStorage does not; and Gradio sets BrowserState without any script of ours.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

import gradio as gr

from assistant.admission import QueueFullError
from assistant.answer import passage_json
from assistant.chain import Retrieved, Token
from assistant.conversations import ConversationStore, ConversationTurn, UnknownConversationError
from assistant.feedback import FeedbackStore
from assistant.service import AssistantService, NotReadyError
from assistant.settings import Settings
from assistant.storage import StorageError
from assistant.ui.documents import DocumentHandlers, build_documents_tab
from assistant.ui.render import EMPTY_SOURCES, answer_markdown, retrieved_html, sources_html, status_markdown
from indexing.metadata import load_examples

logger = logging.getLogger(__name__)

_STATUS_POLL_S = 2.0
# BrowserState encrypts in the browser with a secret the page is sent anyway: a fixed one (and a fixed key)
# lets a restarted server, or another replica, read the stored id back. The embed page keeps its own.
_CONVERSATION_SECRET = "wenda-conversation"
_WORKING = "*Searching the articles… 正在查找答案…*"

Messages = list[dict[str, Any]]
Turns = list[dict[str, str]]
# Answers by the index of their chat message: the answer's JSON and the conversation before it.
Answers = dict[int, dict[str, Any]]


def _liked(value: bool | str | None) -> bool | None:
    """LikeData.liked as True/False, or None when a rating was withdrawn."""
    if isinstance(value, str):
        return {"like": True, "dislike": False}.get(value.lower())
    return value


def _message_index(event: gr.SelectData | gr.LikeData) -> int:
    """The chat message an event (select, like) is about."""
    index = event.index
    return index if isinstance(index, int) else index[0]


class ChatHandlers:
    """What the chat page does when the user asks, rates, comments, selects a message or clears."""

    def __init__(self, settings: Settings, service: AssistantService, feedback: FeedbackStore,
                 conversations: ConversationStore | None = None) -> None:
        self.settings = settings
        self.service = service
        self.feedback = feedback
        # Kept in the feedback's database unless given.
        self.conversations = conversations or ConversationStore(feedback.database)
        # With a Documents tab the index changes while the page is open, so the status line keeps polling.
        self.watch_index = False

    def status(self) -> tuple[str, gr.Timer]:
        """The status line; polling stops once the assistant is ready (unless documents can change)."""
        ready, reason = self.service.status()
        if not ready:
            return status_markdown(False, reason), gr.Timer(active=True)
        chain = self.service.get()
        articles = len(chain.index.articles) - len(chain.index.withdrawn)
        return (status_markdown(True, reason, articles, len(chain.index.chunks), chain.backend),
                gr.Timer(active=self.watch_index))

    def respond(self, question: str, messages: Messages, turns: Turns, answers: Answers,
                conversation_id: str | None = None
                ) -> Iterator[tuple[Messages, str, str, Turns, Answers, str | None]]:
        """Stream the answer into the chat, then replace it with the final, grounded answer and its sources; the
        finished turn is stored in the conversation (started with the first answer)."""
        question = (question or "").strip()
        if not question:
            yield messages, gr.skip(), "", turns, answers, conversation_id
            return
        messages = [*messages, {"role": "user", "content": question}]
        limit = self.settings.server.max_question_chars
        if len(question) > limit:
            messages.append({"role": "assistant", "content": f"⚠️ The question is longer than {limit} characters; "
                                                             f"please shorten it. 问题超过 {limit} 个字符，请缩短。"})
            yield messages, gr.skip(), question, turns, answers, conversation_id
            return
        try:
            chain = self.service.get()
        except NotReadyError as error:
            messages.append({"role": "assistant", "content": f"⏳ {error}. Please ask again in a moment. "
                                                             "请稍后再问。"})
            yield messages, gr.skip(), question, turns, answers, conversation_id
            return
        messages.append({"role": "assistant", "content": _WORKING})
        yield messages, gr.skip(), "", turns, answers, conversation_id
        history = turns[-2 * self.settings.server.max_history_turns:] if self.settings.server.max_history_turns else []
        streamed = ""
        try:
            for event in chain.stream(question, history):
                if isinstance(event, Retrieved):
                    shown = [passage_json(p) for p in event.passages]
                    yield messages, retrieved_html(shown), "", turns, answers, conversation_id
                    continue
                if isinstance(event, Token):
                    streamed += event.text
                    messages[-1] = {"role": "assistant", "content": streamed}
                    yield messages, gr.skip(), "", turns, answers, conversation_id
                    continue
                body = event.to_json()
                messages[-1] = {"role": "assistant", "content": answer_markdown(body)}
                answers = {**answers, len(messages) - 1: {"answer": body, "history": history}}
                conversation_id = self._stored(conversation_id, body, len(turns) // 2)
                turns = [*turns, {"role": "user", "content": question},
                         {"role": "assistant", "content": body["answer"]}]
                yield (messages, sources_html(body, chain.index.visible_articles), "", turns, answers,
                       conversation_id)
        except QueueFullError as error:
            messages[-1] = {"role": "assistant", "content": f"⏳ wenda is busy answering other questions; please ask "
                                                            f"again in {error.retry_after_s} s. 正在回答其他问题，"
                                                            f"请 {error.retry_after_s} 秒后再问。"}
            yield messages, EMPTY_SOURCES, question, turns, answers, conversation_id
        except Exception as error:  # the page must say what happened, not hang on the spinner
            logger.exception("answering failed")
            messages[-1] = {"role": "assistant", "content": f"⚠️ Could not answer: {error}. 回答失败。"}
            yield messages, EMPTY_SOURCES, "", turns, answers, conversation_id

    def _stored(self, conversation_id: str | None, answer: dict[str, Any], earlier_turns: int) -> str | None:
        """The conversation `answer` was appended to: a new one when there is none yet, it is full or it is gone
        (a reset database). When the store fails, the answer stays on the page and the user is told."""
        if earlier_turns >= self.settings.server.max_conversation_turns:
            conversation_id = None
        turn = ConversationTurn.from_answer(answer)
        try:
            try:
                return self.conversations.record(conversation_id, turn)
            except UnknownConversationError:
                logger.warning("conversation %s is gone; the chat goes on in a new one", conversation_id)
                return self.conversations.record(None, turn)
        except StorageError as error:
            logger.error("the chat turn was not stored: %s", error)
            gr.Warning("This answer could not be saved; a reload will not show it. 本条回答未能保存。")
        return conversation_id

    def show_sources(self, answers: Answers, selected: gr.SelectData) -> str:
        """Clicking an answer shows its sources."""
        entry = answers.get(_message_index(selected))
        if entry is None:
            return gr.skip()
        # A document deleted since keeps its quoted passage in the old answer but no longer opens.
        return sources_html(entry["answer"], self.service.get().index.visible_articles)

    def rate(self, answers: Answers, rated: dict[int, int], data: gr.LikeData
             ) -> tuple[dict[int, int], int | None, dict]:
        """Store a thumbs up/down; the comment box opens for the rating just made."""
        index = _message_index(data)
        entry, liked = answers.get(index), _liked(data.liked)
        if entry is None or liked is None:
            return rated, None, gr.update(visible=False)
        if index in rated:
            self.feedback.set_rating(rated[index], liked)
        else:
            rated = {**rated, index: self.feedback.record(entry["answer"], liked, history=entry["history"])}
        return rated, rated[index], gr.update(visible=True)

    def save_comment(self, comment: str, feedback_id: int | None) -> tuple[str, dict]:
        """Attach the comment to the rating just made."""
        if feedback_id is not None and comment.strip():
            self.feedback.add_comment(feedback_id, comment.strip())
            gr.Info("Thank you for the feedback. 感谢反馈！")
        return "", gr.update(visible=False)

    def restore(self, conversation_id: str | None
                ) -> tuple[Messages, str, Turns, Answers, dict[int, int], None, dict, str | None]:
        """The page (re)loaded: the stored conversation back in the chat, its answers rateable again (the
        outputs of `clear`); an unknown or unreadable conversation gives an empty chat."""
        if not conversation_id:
            return self.clear()
        try:
            stored = self.conversations.turns(conversation_id)
        except (StorageError, UnknownConversationError) as error:
            logger.warning("the conversation of a reloaded chat is not shown: %s", error)
            return self.clear()
        messages: Messages = []
        turns: Turns = []
        answers: Answers = {}
        window = 2 * self.settings.server.max_history_turns
        for turn in stored:
            body = turn.to_json()
            messages += [{"role": "user", "content": turn.question},
                         {"role": "assistant", "content": answer_markdown(body)}]
            answers[len(messages) - 1] = {"answer": body, "history": turns[-window:] if window else []}
            turns = [*turns, {"role": "user", "content": turn.question},
                     {"role": "assistant", "content": turn.answer}]
        return messages, EMPTY_SOURCES, turns, answers, {}, None, gr.update(visible=False), conversation_id

    @staticmethod
    def clear() -> tuple[Messages, str, Turns, Answers, dict[int, int], None, dict, None]:
        """A new conversation (the next answer starts it in the store)."""
        return [], EMPTY_SOURCES, [], {}, {}, None, gr.update(visible=False), None


def build_chat(handlers: ChatHandlers, compact: bool = False, documents: DocumentHandlers | None = None
               ) -> gr.Blocks:
    """The chat page; `compact` drops the heading and keeps the chat shorter (for iframes); with `documents`, a
    Documents tab beside the chat."""
    settings = handlers.settings
    examples = load_examples(settings.corpus_dir / settings.loader.metadata_file)
    with gr.Blocks(title="wenda 问答", analytics_enabled=False, fill_height=compact) as page:
        turns, answers, rated, pending = gr.State([]), gr.State({}), gr.State({}), gr.State(None)
        # The conversation of this page, and its copy in localStorage that a reload reads back.
        conversation = gr.State(None)
        saved_conversation = gr.BrowserState(None, storage_key="wenda-embed-conversation" if compact
                                             else "wenda-conversation", secret=_CONVERSATION_SECRET)
        if not compact:
            gr.Markdown("# wenda 问答\nAsk about the articles in English or Chinese; every answer cites its "
                        "passages. 用中文或英文提问，答案附有原文出处。", elem_id="wenda-heading")
        status = gr.Markdown(status_markdown(False, "loading"), elem_id="wenda-status")
        timer = gr.Timer(_STATUS_POLL_S)
        # Tabs only when there is a Documents tab: the chat alone (the iframe page) keeps its plain layout.
        tabbed = documents is not None
        with gr.Tabs(elem_id="wenda-tabs") if tabbed else contextlib.nullcontext():
            with gr.Tab("Chat 问答", elem_id="wenda-chat-tab") if tabbed else contextlib.nullcontext():  # noqa: SIM117
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=320):
                        chatbot = gr.Chatbot(elem_id="wenda-chat", show_label=False, height=420 if compact else 520,
                                             feedback_options=("Like", "Dislike"), buttons=["copy"],
                                             placeholder="Ask a question about the articles. 请就文章内容提问。")
                        with gr.Row():
                            question = gr.Textbox(show_label=False, placeholder="Your question… 输入问题…", scale=5,
                                                  max_lines=4, elem_id="wenda-question", autofocus=not compact)
                            ask = gr.Button("Ask 提问", variant="primary", scale=1, min_width=80, elem_id="wenda-ask")
                        with gr.Row(visible=False, elem_id="wenda-comment-row") as comment_row:
                            comment = gr.Textbox(show_label=False, scale=5, max_length=2000, elem_id="wenda-comment",
                                                 placeholder="Thanks! Tell us more (optional)… 补充说明（可选）…")
                            save_comment = gr.Button("Send 发送", scale=1, min_width=80, elem_id="wenda-comment-send")
                        clear = gr.Button("New conversation 新对话", size="sm", elem_id="wenda-clear")
                        if examples:
                            gr.Examples(examples, inputs=question, label="Examples 示例")
                    with gr.Column(scale=2, min_width=280), gr.Accordion("Sources 来源", elem_id="wenda-sources-box"):
                        sources = gr.HTML(EMPTY_SOURCES, elem_id="wenda-sources")
            if documents is not None:
                handlers.watch_index = True
                with gr.Tab("Documents 文档", elem_id="wenda-documents-tab"):
                    document_view = build_documents_tab(documents)
                page.load(documents.refresh, None, document_view, api_visibility="private")
        page.load(handlers.status, None, [status, timer], api_visibility="private")
        cleared = [chatbot, sources, turns, answers, rated, pending, comment_row, conversation]
        page.load(handlers.restore, [saved_conversation], cleared, api_visibility="private")
        conversation.change(lambda kept: kept, conversation, saved_conversation, api_visibility="private")
        timer.tick(handlers.status, None, [status, timer], api_visibility="private")
        answer_event = {"fn": handlers.respond, "inputs": [question, chatbot, turns, answers, conversation],
                        "outputs": [chatbot, sources, question, turns, answers, conversation],
                        "concurrency_limit": settings.llm.parallel, "concurrency_id": "answer",
                        "show_progress": "minimal"}
        question.submit(**answer_event, api_name="ask")
        ask.click(**answer_event, api_visibility="private")
        chatbot.select(handlers.show_sources, [answers], [sources], api_visibility="private")
        chatbot.like(handlers.rate, [answers, rated], [rated, pending, comment_row], api_visibility="private")
        save_comment.click(handlers.save_comment, [comment, pending], [comment, comment_row],
                           api_visibility="private")
        comment.submit(handlers.save_comment, [comment, pending], [comment, comment_row], api_visibility="private")
        clear.click(handlers.clear, None, cleared, api_visibility="private")
        chatbot.clear(handlers.clear, None, cleared, api_visibility="private")  # the chat's own bin icon
    return page
