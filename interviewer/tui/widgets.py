"""Widgets shared by the interview, feedback and replay screens."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Collapsible, HelpPanel, Label, Markdown, Static

from interviewer.messages import msg
from interviewer.tui import format as fmt
from interviewer.tui.i18n import localize_focus_chain

if TYPE_CHECKING:
    from interviewer.domain import Grade, Lang, Question
    from interviewer.rag.chunking import Chunk

ANSWER_DISPLAY_LIMIT = 3000
"""An answer longer than this shows its beginning and an expander holding the rest."""
ANSWER_PREVIEW_CHARS = 1500
"""Characters of a long answer shown above its expander."""


class InterviewerTurn(Vertical):
    """An interviewer turn: a small label and the text as Markdown (streamable); ``note``, when
    given, is a dim line under the label (a practice question: the points it practises)."""

    DEFAULT_CLASSES = "turn interviewer-turn"

    def __init__(self, label: str, text: str = "", note: str = "", **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._label = label
        self._text = text
        self._note = note

    def compose(self) -> ComposeResult:
        yield Label(self._label, classes="turn-label")
        if self._note:
            yield Static(Text(self._note, style="dim"), classes="turn-note")
        yield Markdown(self._text, classes="turn-body")

    @property
    def body(self) -> Markdown:
        return self.query_one(Markdown)

    async def finish(self, label: str, text: str) -> None:
        """Replace the streamed text with the final one."""
        self.query_one(Label).update(label)
        await self.body.update(text)


class AnswerTurn(Vertical):
    """The candidate's whole answer as plain text (no markup). A long one shows its beginning and,
    collapsed below it, the rest: every character is one key press away, and a 30k-character paste
    is not laid out on every turn. The rest is put in its widget when first expanded: Textual wrapped
    a collapsed 28k-character text once anyway, on the event loop, between submit and the next turn."""

    DEFAULT_CLASSES = "turn answer-turn"

    def __init__(self, label: str, text: str, lang: str = "en", **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._label = label
        self._text = text
        self._lang = lang
        self._rest = ""
        self.rest_shown = False
        """Whether the collapsed rest of a long answer is in its widget (it is once first expanded)."""

    def compose(self) -> ComposeResult:
        yield Label(self._label, classes="turn-label")
        if len(self._text) <= ANSWER_DISPLAY_LIMIT:
            yield Static(Text(self._text), classes="turn-body")
            return
        head, self._rest = split_preview(self._text, ANSWER_PREVIEW_CHARS)
        yield Static(Text(head), classes="turn-body")
        title = msg("answer.more", self._lang, n=f"{len(self._rest):,}")
        with Collapsible(title=title, collapsed=True, classes="answer-rest"):
            yield Static("", classes="turn-body answer-rest-body")

    def on_collapsible_expanded(self, event: Collapsible.Expanded) -> None:
        if self._rest and not self.rest_shown:
            self.query_one(".answer-rest-body", Static).update(Text(self._rest))
            self.rest_shown = True


def split_preview(text: str, limit: int) -> tuple[str, str]:
    """``text`` cut near ``limit`` at a line end, else a space, so that head + rest == text."""
    cut = text.rfind("\n", limit // 2, limit)
    if cut < 0:
        cut = text.rfind(" ", limit // 2, limit)
    cut = limit if cut < 0 else cut + 1
    return text[:cut], text[cut:]


class NoteTurn(Static):
    """A quiet line in the conversation: skipped, moving on, fallbacks."""

    DEFAULT_CLASSES = "turn note-turn"

    def __init__(self, text: str, **kwargs: object) -> None:
        super().__init__(Text(text), **kwargs)  # type: ignore[arg-type]


def criterion_name(question: Question | None, criterion_id: str, lang: Lang) -> str:
    """The criterion's name as reports give it (``report.criterion_name``; imported when first needed)."""
    from interviewer.report import criterion_name as name

    return name(question, criterion_id, lang)


def grade_headline(grade: Grade, lang: Lang = "en") -> Text:
    """'Score 62/100 ██████░░░░  judge: offline · flags: padding'."""
    parts: list[Text | str | tuple[str, str]] = [
        (msg("grade.score", lang), "bold"),
        (f"{grade.overall:.0f}/100 ", f"bold {fmt.score_style(grade.overall)}"),
        fmt.meter(grade.overall),
        (
            f"  {msg('grade.judge', lang)}: {msg('fb.offline', lang) if grade.judge == 'offline' else grade.judge}",
            "dim",
        ),
    ]
    if grade.flags:
        parts.append((f" · {msg('grade.flags', lang)}: {', '.join(grade.flags)}", "yellow"))
    if grade.spread is not None:
        parts.append((f" · spread ±{grade.spread:.0f}", "dim"))
    return Text.assemble(*parts)


def grade_summary(grade: Grade, question: Question | None, lang: Lang) -> Group:
    """A compact grade: the headline and one line per criterion (bar, score, name, reason)."""
    lines: list[Text] = [grade_headline(grade, lang)]
    for c in grade.criteria:
        line = Text.assemble("  ", fmt.criterion_bar(c.score), "  ", (criterion_name(question, c.id, lang), "bold"))
        if c.reason:
            line.append(f" — {c.reason}", style="dim")
        lines.append(line)
    return Group(*lines)


def criterion_detail(
    grade: Grade,
    index: int,
    question: Question | None,
    lang: Lang,
    chunks: Mapping[str, Chunk],
    note_titles: Mapping[str, str],
) -> str:
    """Markdown for one criterion: reason, evidence quotes, missing points, passages to read."""
    c = grade.criteria[index]
    name = criterion_name(question, c.id, lang)
    out = [f"**{name}** — {c.score}/4", ""]
    if c.reason:
        out += [c.reason, ""]
    if c.id == "correctness":  # its evidence is the failing hidden tests, not quotes of the answer
        out.append(f"**{msg('fb.tests', lang)}**")
        out += [f"- {_quote(e)}" for e in c.evidence] or [f"- {c.reason}"]
    else:
        out.append(f"**{msg('evidence', lang)}**")
        out += [f"> “{_quote(e)}”\n" for e in c.evidence[:3]] or [f"- {msg('none', lang)}", ""]
    out += ["", f"**{msg('missing', lang)}**"]
    out += [f"- {m}" for m in c.missing] or [f"- {msg('nothing_missing', lang)}"]
    out += ["", f"**{msg('read', lang)}**"]
    if not c.references:
        out.append(f"- {msg('no_reference', lang)}")
    for ref in c.references[:4]:
        chunk = chunks.get(ref)
        if chunk is not None:  # by name: an id only where there is none
            where = f"{chunk.title} › {chunk.heading}" if chunk.heading else chunk.title
            out.append(f"- *{where}*")
            gist = chunk.summary if lang == "zh" and chunk.summary else chunk.text
            out.append(f"  {fmt.one_line(gist, 240)}")
        else:
            title = note_titles.get(ref.split("::")[0], "")
            out.append(f"- *{title}*" if title else f"- `{ref}`")
    return "\n".join(out)


def _quote(text: str) -> str:
    return fmt.one_line(text, 240).replace("*", "\\*").replace("_", "\\_")


class KeysPanel(HelpPanel):
    """Textual's Keys panel (palette → Keys) in the screen's language: the focused widget's keys and
    its containers' are relabelled from the catalog before the panel lists them."""

    def update_help(self, focused_widget: Widget | None) -> None:
        lang = self.app.screen_lang(self.screen)  # type: ignore[attr-defined]
        if lang == "zh":
            localize_focus_chain(focused_widget or self.screen, lang)
            self.screen.refresh_bindings()
        super().update_help(focused_widget)
