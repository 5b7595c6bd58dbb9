"""Text that is safe to print to a terminal or to write into a plain-text / Markdown file.

Session text comes from people, imported files and models: an answer can carry an escape
sequence that sets the terminal's title, clears the screen or writes the clipboard (OSC 52), or a
bidi override that makes a line read differently from what it holds. Every plain-text output of
the app passes through :func:`safe_text`; JSON output through :func:`safe_json` (lossless: the
characters become ``\\uXXXX`` escapes that parse back to themselves).

- C0 controls (except newline and tab) and DEL become their visible Unicode "control pictures"
  (ESC → ␛, BEL → ␇), so an escape sequence is shown as inert text instead of being executed;
  CR LF becomes LF and a lone CR a newline (CR can overwrite a line on screen).
- C1 controls (U+0080–U+009F, e.g. the one-byte CSI U+009B and OSC U+009D) become U+FFFD.
- Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) are removed: plain
  right-to-left text needs none of them and they are how "Trojan source" reorders a line.
"""

from __future__ import annotations

import re

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _replace(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    if code == 0x0D:
        return "\n"
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    if ch in _BIDI:
        return ""
    return "\ufffd"  # C1


def safe_text(text: str) -> str:
    """``text`` with every terminal control neutralised; newlines and tabs kept."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(_replace, text.replace("\r\n", "\n"))


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def safe_json(text: str) -> str:
    """JSON text (as ``json.dumps(..., ensure_ascii=False)`` writes it) with the characters a
    terminal could act on written as ``\\uXXXX`` escapes; it parses back to the same data.

    ``json`` already escapes C0 controls; DEL, C1 controls and bidi controls it leaves raw (and
    U+2028/U+2029, which break JavaScript string literals)."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
