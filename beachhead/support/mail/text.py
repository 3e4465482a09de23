"""Small text steps of mail parsing: clean-up, RFC 3676 ``format=flowed``, the language hint."""

from __future__ import annotations

import re

__all__ = ["clean_text", "guess_language", "unflow"]

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_KANA = re.compile(r"[\u3041-\u309f\u30a1-\u30fa\u30fd-\u30ff\uff66-\uff9d]")
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3131-\u318e]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
# Characters written differently in the two Chinese scripts, among the commonest of each.
_ONLY_HANT = re.compile("[這們個來為說時後會發與對問題請謝務點開關經從過還應該實現當沒動無與體機]")
_ONLY_HANS = re.compile("[这们个来为说时后会发与对问题请谢务点开关经从过还应该实现当没动无与体机]")


def clean_text(text: str) -> str:
    """One newline convention, no NUL or other control characters (PostgreSQL refuses NUL),
    no lone surrogates, no trailing whitespace at the end, no blank lines at the start."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x0c" in text:
        text = text.replace("\x0c", "\n")
    text = _CONTROLS.sub("", text)
    if not text.isascii() and _SURROGATES.search(text):
        text = _SURROGATES.sub("\ufffd", text)
    return text.rstrip().lstrip("\n")


def unflow(text: str, *, delsp: bool = False) -> str:
    """Decode RFC 3676 ``format=flowed``: join soft-broken lines (a line ending in a space
    continues on the next line of the same quote depth), undo space-stuffing, keep "-- "."""
    out: list[str] = []
    paragraph: list[str] = []
    paragraph_depth = -1
    for raw in text.split("\n"):
        line = raw.rstrip("\r")
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]  # space-stuffing, or the space after the quote marks
        if paragraph and depth != paragraph_depth:
            out.append(
                ">" * paragraph_depth + (" " if paragraph_depth else "") + "".join(paragraph)
            )
            paragraph = []
        flowed = content.endswith(" ") and content != "-- "
        if flowed:
            paragraph_depth = depth
            paragraph.append(content[:-1] if delsp else content)
            continue
        prefix = ">" * depth + (" " if depth else "")
        if paragraph:
            out.append(prefix + "".join(paragraph) + content)
            paragraph = []
        else:
            out.append(prefix + content)
    if paragraph:
        out.append(">" * paragraph_depth + (" " if paragraph_depth else "") + "".join(paragraph))
    return "\n".join(out)


def guess_language(text: str, content_language: str = "") -> str:
    """The language a reply should probably use.

    The Content-Language header wins when present (normalised by the caller). Otherwise, over the
    first 4,000 characters of what the customer wrote (subject and visible text, not the quoted
    history): no language unless CJK characters are at least a tenth of all letters; then any
    kana → ``ja`` (Japanese always mixes kana into its kanji), any Hangul → ``ko``, Han only →
    ``zh-hant`` when traditional-only forms of common characters outnumber simplified-only
    ones, else ``zh-hans``. Latin-script languages are not told apart: ``""``.
    """
    if content_language:
        return content_language
    sample = text[:4000]
    if sample.isascii():
        return ""
    kana = len(_KANA.findall(sample))
    hangul = len(_HANGUL.findall(sample))
    han = len(_HAN.findall(sample))
    cjk = kana + hangul + han
    if cjk < 2 or cjk * 10 < cjk + len(_LATIN.findall(sample)):
        return ""
    if kana:
        return "ja"
    if hangul:
        return "ko"
    if len(_ONLY_HANT.findall(sample)) > len(_ONLY_HANS.findall(sample)):
        return "zh-hant"
    return "zh-hans"
