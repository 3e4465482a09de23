"""Fold the quoted history of a reply away from what the customer just wrote.

Why our own: the libraries that do this (GitHub's email_reply_parser and its ports, Mailgun's
talon) know English clients and little else, and are barely maintained. Our customers write from
QQ Mail, Foxmail, NetEase, Outlook and Gmail in Chinese, Japanese and Korean, whose attribution
lines and header blocks look nothing like "On … wrote:".

What folds:

- blocks of ``>`` lines at the start or the end of the text (only blank lines or a signature
  after them), or directly under an attribution line ("On … wrote:", "在 … 写道：",
  "2026年11月20日(金) 17:55 山田 太郎 <x@y>:", "… 님이 작성:") — quotes interleaved with answers
  stay, they give the answers their meaning;
- everything from an attribution line onward when no ``>`` block follows it (clients that quote
  without marks) or when it is the last thing in the text;
- everything from a separator ("-----Original Message-----", "-----原始邮件-----", QQ Mail's
  "------------------ 原始邮件 ------------------", "-----원본 메시지-----", Outlook's line of
  underscores) or an Outlook-style header block ("From: … Sent: …", "发件人: … 发送时间: …",
  "差出人: … 送信日時: …", "보낸 사람: … 보낸 날짜: …") onward.

Forwarded messages are not history: a header block right under "Forwarded message" stays.
Signatures ("-- ") stay visible. When everything would fold, nothing does.
"""

from __future__ import annotations

import re

__all__ = ["split_quoted"]

_MARKERS = (">", ":", "：", "--", "__")
_MAX_MARKER_LINE = 300  # no attribution or separator is longer; the patterns need not see more
_BLANK_RUN = re.compile(r"\n{3,}")
_QUOTE = re.compile(r"[ \t]{0,3}>")
_SIGNATURE = re.compile(r"-- ?\Z")
_SEPARATOR = re.compile(
    r"[-=_*\s]{2,}\s*(?:original message|原始邮件|原始郵件|原始信件|原邮件|原郵件|元のメッセージ"
    r"|オリジナル\s*メッセージ|원본\s*메시지|원래\s*메시지|ursprüngliche nachricht|originalnachricht"
    r"|message d'origine|mensaje original|messaggio originale|oorspronkelijk bericht)"
    r"\s*[-=_*\s]{2,}\Z",
    re.IGNORECASE,
)
_UNDERSCORES = re.compile(r"_{10,}\Z")
_FORWARDED = re.compile(
    r".{0,20}(?:forwarded message|begin forwarded message|weitergeleitete nachricht"
    r"|message transféré|转发邮件|轉寄郵件|转发的邮件|転送メッセージ|転送されたメッセージ|전달된 메시지)",
    re.IGNORECASE,
)
_FROM_KEY = re.compile(
    r"\*?\s*(?:from|von|de|da|van|från|fra|发件人|發件人|寄件者|寄件人|差出人|送信者|보낸\s*사람)"
    r"\s*\*?\s*[:：]",
    re.IGNORECASE,
)
_OTHER_KEY = re.compile(
    r"\*?\s*(?:sent|date|to|cc|subject|gesendet|datum|an|betreff|envoyé|à|objet|enviado|para"
    r"|asunto|inviato|oggetto|发送时间|发送日期|日期|时间|收件人|抄送|主题|寄件日期|傳送時間|發送時間"
    r"|收件者|副本|主旨|送信日時|日時|日付|宛先|件名|보낸\s*날짜|날짜|받는\s*사람|참조|제목)"
    r"\s*\*?\s*[:：]",
    re.IGNORECASE,
)
# Attribution lines. Most need a digit or an "@" (a date or an address) so that a sentence
# ending in "wrote:" or a heading "2026年11月20日の障害:" is not taken for one; a few CJK endings
# are unmistakable on their own.
_ATTRIBUTION_UNMISTAKABLE = re.compile(
    r".*(?:写道|寫道|書きました|書き込みました|님이\s*작성|님이\s*쓴\s*글)\s*[:：]\Z"
)
_ATTRIBUTION_DATED = re.compile(
    r"(?:on|am|le|el|il|op|den|w dniu)\b.*(?:wrote|writes|schrieb|a écrit|escribió|ha scritto"
    r"|scrisse|schreef|skrev|napisał)\s*:\Z"
    r"|.*(?:wrote|writes|schrieb|a écrit|escribió|scrisse|schreef|skrev)\s*:\Z"
    r"|am\b.*\bschrieb\b.*:\Z"
    r"|.*작성\s*[:：]\Z"
    r"|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日.*[@<].*[:：]\Z",
    re.IGNORECASE,
)
# How a wrapped attribution's first line starts (or an address cut in half by the wrap).
_ATTRIBUTION_START = re.compile(
    r"(?:on|am|le|el|il|op)\s|在|\d{4}\s*[年년/.\-]|.*<[^>]*\Z", re.IGNORECASE
)


def _is_attribution(line: str) -> bool:
    line = line.strip()
    if not line or len(line) > _MAX_MARKER_LINE or line.startswith(">"):
        return False
    if _ATTRIBUTION_UNMISTAKABLE.match(line):
        return True
    if "@" not in line and not any(char.isdigit() for char in line):
        return False
    return bool(_ATTRIBUTION_DATED.match(line))


def _attribution_span(lines: list[str], index: int) -> int:
    """1 or 2 when an attribution starts at ``index`` (on one line or wrapped onto two)."""
    if _is_attribution(lines[index]):
        return 1
    if index + 1 < len(lines):
        first, second = lines[index].strip(), lines[index + 1].strip()
        if (
            first
            and second
            and len(first) + len(second) < _MAX_MARKER_LINE
            and _ATTRIBUTION_START.match(first)
            and not _ATTRIBUTION_START.match(second)
            and _is_attribution(first + " " + second)
        ):
            return 2
    return 0


def _next_content(lines: list[str], start: int, stop: int | None = None) -> int | None:
    stop = len(lines) if stop is None else stop
    for index in range(start, stop):
        if lines[index].strip():
            return index
    return None


def _is_header_block(lines: list[str], index: int) -> bool:
    """A "From:" line followed within five lines by another header of a quoted message."""
    if not _FROM_KEY.match(lines[index].strip()):
        return False
    window = lines[index + 1 : index + 6]
    return any(_OTHER_KEY.match(line.strip()) for line in window)


def _forwarded_above(lines: list[str], index: int) -> bool:
    for line in reversed(lines[max(0, index - 3) : index]):
        if line.strip():
            return bool(_FORWARDED.match(line.strip()))
    return False


def _may_be_marker(lines: list[str], index: int, stripped: str) -> bool:
    """Every marker has a colon or starts with a rule, and a wrapped attribution is found
    from its first line only when the next line has the colon."""
    return not (
        ":" not in stripped
        and "：" not in stripped
        and stripped[0] not in "-_=*"
        and not (index + 1 < len(lines) and (":" in lines[index + 1] or "：" in lines[index + 1]))
    )


def _tail_cut(lines: list[str], is_quote: list[bool]) -> int | None:
    """Where unmarked history starts: everything from there on folds."""
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or is_quote[index] or len(stripped) > _MAX_MARKER_LINE:
            continue
        if _may_be_marker(lines, index, stripped) and _starts_history(
            lines, is_quote, index, stripped
        ):
            return index
    return None


def _starts_history(lines: list[str], is_quote: list[bool], index: int, stripped: str) -> bool:
    """Whether the line at ``index`` begins unmarked history: a separator, a rule of
    underscores over a header block, a header block not under a forwarded message, or an
    attribution not followed by quoted lines."""
    if _SEPARATOR.match(stripped):
        return True
    if _UNDERSCORES.match(stripped):
        following = _next_content(lines, index + 1, index + 3)
        return following is not None and _is_header_block(lines, following)
    if _is_header_block(lines, index):
        return not _forwarded_above(lines, index)
    span = _attribution_span(lines, index)
    if span:
        following = _next_content(lines, index + span)
        return following is None or not is_quote[following]
    return False


def _previous_content(lines: list[str], index: int) -> int | None:
    for above in range(index - 1, -1, -1):
        if lines[above].strip():
            return above
    return None


def _quote_blocks(lines: list[str], is_quote: list[bool], end: int) -> list[tuple[int, int]]:
    """``(first, after last)`` line of each run of ``>`` lines (blank lines inside count)."""
    blocks: list[tuple[int, int]] = []
    index = 0
    while index < end:
        if not is_quote[index]:
            index += 1
            continue
        start = last = index
        while index < end and (is_quote[index] or not lines[index].strip()):
            if is_quote[index]:
                last = index
            index += 1
        blocks.append((start, last + 1))
    return blocks


def _only_trailer(lines: list[str], start: int, stop: int) -> bool:
    """True when only blank lines, or a signature, follow ``start``."""
    following = _next_content(lines, start, stop)
    return following is None or bool(_SIGNATURE.match(lines[following].rstrip("\r")))


def _with_attribution(lines: list[str], start: int, folded: list[bool]) -> int:
    """Where the quote block at ``start`` begins once the attribution line(s) above it
    ("On … wrote:", one line or two) are counted in; ``start`` if there is none."""
    above = _previous_content(lines, start)
    if above is not None and not folded[above]:
        if above >= 1 and _attribution_span(lines, above - 1) == 2:
            return above - 1
        if _is_attribution(lines[above]):
            return above
    return start


def split_quoted(text: str) -> tuple[str, str]:
    """``(visible, quoted)``: the text with its quoted history folded away, and that history.

    ``visible`` keeps the order of the remaining lines; ``quoted`` joins what folded. When the
    whole text is history, nothing folds: ``(text, "")``.
    """
    if not text.strip():
        return text, ""
    if not any(marker in text for marker in _MARKERS):
        return text, ""
    lines = text.split("\n")
    count = len(lines)
    is_quote = [bool(_QUOTE.match(line)) for line in lines]
    folded = [False] * count
    end = _tail_cut(lines, is_quote)
    if end is None:
        end = count
    for index in range(end, count):
        folded[index] = True

    blocks = _quote_blocks(lines, is_quote, end)
    for start, block_end in blocks:
        first = _with_attribution(lines, start, folded)
        # A lone block at the very top is bottom-posting; several blocks are an inline answer,
        # where the first question gives the first answer its meaning.
        leading = len(blocks) == 1 and _next_content(lines, 0, first) is None
        trailing = _only_trailer(lines, block_end, end)
        if first < start or leading or trailing:
            for position in range(first, block_end):
                folded[position] = True

    if not any(folded):
        return text, ""
    visible = "\n".join(line for line, fold in zip(lines, folded, strict=True) if not fold)
    quoted = "\n".join(line for line, fold in zip(lines, folded, strict=True) if fold)
    visible = _BLANK_RUN.sub("\n\n", visible.strip("\n").rstrip())
    if not visible.strip():
        return text, ""
    return visible, quoted.strip("\n").rstrip()
