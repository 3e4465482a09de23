"""Make untrusted HTML safe to show, render it as text, and make attachment names safe to store.

Sanitising is nh3's job (Rust's ammonia: an HTML5 parser and an allow-list), not ours. What we add
on top is mail policy: remote images and CSS ``url()`` are not loaded until someone consents (a
loaded image tells the sender who opened the mail, when and from where), ``cid:`` images stay for
the web layer to point at the attachment, links cannot run script or leak the referrer.
"""

from __future__ import annotations

import html as html_lib
import mimetypes
import re
import secrets
import unicodedata
from contextvars import ContextVar
from dataclasses import dataclass

import nh3

__all__ = [
    "MAX_NESTING",
    "SanitizedHtml",
    "flatten_deep_nesting",
    "html_to_text",
    "safe_filename",
    "sanitize_html",
]

_TAGS = frozenset(
    {
        "a",
        "abbr",
        "address",
        "b",
        "bdi",
        "bdo",
        "blockquote",
        "br",
        "caption",
        "center",
        "cite",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "font",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "rp",
        "rt",
        "ruby",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "tt",
        "u",
        "ul",
        "var",
        "wbr",
    }
)
_CELL = {"align", "valign", "width", "height", "colspan", "rowspan", "bgcolor"}
_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"title", "lang", "dir", "style", "align"},
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height", "border"},
    "table": {"width", "height", "border", "cellpadding", "cellspacing", "bgcolor", "summary"},
    "td": _CELL,
    "th": _CELL | {"scope"},
    "tr": {"valign", "bgcolor", "height"},
    "col": {"span", "width"},
    "colgroup": {"span", "width"},
    "font": {"color", "face", "size"},
    "ol": {"start", "type", "reversed"},
    "ul": {"type"},
    "li": {"value"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"datetime"},
    "ins": {"datetime"},
    "abbr": {"title"},
    "details": {"open"},
}
# Layout and type, nothing that positions over our page or fetches anything by itself.
# Background properties are here because we strip their url() values ourselves (see _style).
_STYLE_PROPERTIES = frozenset(
    {
        "background",
        "background-color",
        "background-image",
        "border",
        "border-bottom",
        "border-bottom-color",
        "border-bottom-style",
        "border-bottom-width",
        "border-collapse",
        "border-color",
        "border-left",
        "border-left-color",
        "border-left-style",
        "border-left-width",
        "border-radius",
        "border-right",
        "border-right-color",
        "border-right-style",
        "border-right-width",
        "border-spacing",
        "border-style",
        "border-top",
        "border-top-color",
        "border-top-style",
        "border-top-width",
        "border-width",
        "color",
        "direction",
        "display",
        "font",
        "font-family",
        "font-size",
        "font-style",
        "font-variant",
        "font-weight",
        "height",
        "letter-spacing",
        "line-height",
        "list-style-type",
        "margin",
        "margin-bottom",
        "margin-left",
        "margin-right",
        "margin-top",
        "max-height",
        "max-width",
        "min-height",
        "min-width",
        "padding",
        "padding-bottom",
        "padding-left",
        "padding-right",
        "padding-top",
        "table-layout",
        "text-align",
        "text-decoration",
        "text-indent",
        "text-transform",
        "vertical-align",
        "white-space",
        "width",
        "word-break",
        "word-spacing",
        "word-wrap",
    }
)
_DROP_WITH_CONTENT = frozenset({"script", "style", "title", "noscript", "template", "xml"})
_URL_SCHEMES = frozenset({"http", "https", "mailto", "tel", "cid", "data"})
_LINK_SCHEMES = ("http:", "https:", "mailto:", "tel:", "#")
_DATA_IMAGE = re.compile(r"data:image/(?:png|gif|jpe?g|webp|bmp);base64,[a-z0-9+/=\s]*\Z", re.I)
_REMOTE = re.compile(r"(?:https?:)?//", re.I)
_CSS_URL = re.compile(r"url\s*\(\s*['\"]?([^'\")]*)", re.I)
_CSS_FORBIDDEN = re.compile(r"\\|expression|image-set|@import|-moz-binding|behavior|src\s*\(", re.I)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MARKER = re.compile(r' src="cid:blocked-([0-9a-f]{16})-(\d{1,6})"')


# Containers that HTML parsers check "scope" through on every block start tag: nested a hundred
# thousand deep (half a megabyte of "<div>"), they cost html5ever minutes. Real mail nests them a
# few dozen deep; deeper than this, their tags are replaced by line breaks before parsing.
MAX_NESTING = 200
_CONTAINER = re.compile(
    r"<(/?)(?:address|article|aside|blockquote|center|details|dialog|dir|div|dl|fieldset"
    r"|figcaption|figure|footer|form|header|hgroup|main|menu|nav|ol|search|section|summary"
    r"|table|ul)\b",
    re.IGNORECASE,
)
_CONTAINER_TAG = re.compile(_CONTAINER.pattern + r"[^>]*>?", re.IGNORECASE)


def flatten_deep_nesting(html: str) -> tuple[str, bool]:
    """``(html, False)`` for normal HTML; ``(flattened, True)`` when block containers nest
    deeper than :data:`MAX_NESTING`, with every container tag replaced by ``<br>``."""
    marks = _CONTAINER.findall(html)
    if marks.count("") <= MAX_NESTING:
        return html, False
    depth = deepest = 0
    for closing in marks:
        depth = max(0, depth - 1) if closing else depth + 1
        deepest = max(deepest, depth)
    if deepest <= MAX_NESTING:
        return html, False
    return _CONTAINER_TAG.sub("<br>", html), True


@dataclass(frozen=True, slots=True)
class SanitizedHtml:
    html: str
    remote_images_blocked: int


class _Policy:
    """The per-message attribute filter nh3 calls for every attribute it keeps."""

    def __init__(self, allow_remote: bool) -> None:
        self.allow_remote = allow_remote
        self.blocked: list[str] = []
        self.css_blocked = 0
        # A marker the sender cannot predict, swapped for data-remote-src after cleaning.
        self.nonce = secrets.token_hex(8)

    def __call__(self, tag: str, attribute: str, value: str) -> str | None:
        if attribute == "src":
            return self._src(value) if tag == "img" else None
        if attribute == "href":
            url = _CONTROL.sub("", value).strip()
            return url if url.lower().startswith(_LINK_SCHEMES) else None
        if attribute == "style":
            return self._style(value)
        return value

    def _src(self, value: str) -> str | None:
        url = _CONTROL.sub("", value).strip()
        lowered = url.lower()
        if lowered.startswith("cid:"):
            return url
        if lowered.startswith("data:"):
            return url if _DATA_IMAGE.match(url) else None
        if _REMOTE.match(url):
            if url.startswith("//"):
                url = "https:" + url
            if self.allow_remote:
                return url
            self.blocked.append(url)
            return f"cid:blocked-{self.nonce}-{len(self.blocked) - 1}"
        return None  # relative URLs would load from our own site

    def restore(self, match: re.Match[str]) -> str:
        nonce, index = match.groups()
        if nonce != self.nonce or int(index) >= len(self.blocked):
            return match.group(0)  # a cid: the sender wrote, not ours
        return f' data-remote-src="{html_lib.escape(self.blocked[int(index)], quote=True)}"'

    def _style(self, value: str) -> str | None:
        kept = []
        for declaration in value.split(";"):
            if not declaration.strip() or _CSS_FORBIDDEN.search(declaration):
                continue
            urls = _CSS_URL.findall(declaration)
            if urls:
                remote = all(_REMOTE.match(url.strip()) for url in urls)
                if not (remote and self.allow_remote):
                    self.css_blocked += 1 if remote else 0
                    continue
            kept.append(declaration.strip())
        return ";".join(kept) or None


_policy: ContextVar[_Policy] = ContextVar("mail_html_policy")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    return _policy.get()(tag, attribute, value)


# Building an nh3 cleaner costs more than cleaning a typical mail, so both are built once; the
# per-message policy reaches the shared filter through a context variable (thread-safe).
_CLEANER = nh3.Cleaner(
    tags=set(_TAGS),
    clean_content_tags=set(_DROP_WITH_CONTENT),
    attributes=_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    url_schemes=set(_URL_SCHEMES),
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
    filter_style_properties=set(_STYLE_PROPERTIES),
)


def sanitize_html(html: str, *, allow_remote_images: bool = False) -> SanitizedHtml:
    """Clean ``html`` for display inside our pages.

    Remote ``<img src>`` becomes ``data-remote-src`` (so the web layer can offer "load images")
    unless ``allow_remote_images``; CSS declarations with remote ``url()`` are dropped likewise
    and counted. Relative image URLs, non-image ``data:`` URLs and script URLs are removed.
    """
    if not html or not html.strip():
        return SanitizedHtml("", 0)
    html, _ = flatten_deep_nesting(html)
    policy = _Policy(allow_remote_images)
    token = _policy.set(policy)
    try:
        cleaned = _CLEANER.clean(html)
    finally:
        _policy.reset(token)
    if policy.blocked:
        cleaned = _MARKER.sub(policy.restore, cleaned)
    return SanitizedHtml(cleaned.strip(), len(policy.blocked) + policy.css_blocked)


# --- HTML as text -----------------------------------------------------------------------------

_TEXT_TAGS = {"br", "p", "div", "li", "blockquote", "pre", "tr", "td", "th", "hr", "dt", "dd"}
_TEXT_TAGS |= {"h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "img"}
_TEXT_CLEANER = nh3.Cleaner(
    tags=_TEXT_TAGS,
    clean_content_tags=set(_DROP_WITH_CONTENT),
    attributes={"img": {"alt"}},
    url_schemes=set(),
    link_rel=None,
    strip_comments=True,
)
_TOKEN = re.compile(r"<(/?)([a-z0-9]+)([^>]*)>")
_ALT = re.compile(r'alt="([^"]*)"')
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_BLOCK = frozenset({"p", "div", "li", "tr", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCK |= {"ul", "ol", "table", "pre", "hr", "blockquote"}


def html_to_text(html: str) -> str:
    """Render HTML as plain text: tags gone, entities unescaped, a line break for ``<br>`` and
    each block (``<p>``, ``<div>``, ``<li>`` …), ``> `` before each line of a ``<blockquote>``
    so quoted history folds like in plain-text mail, ``<img alt>`` kept as ``[alt]``."""
    if not html or not html.strip():
        return ""
    # nh3 parses like a browser and leaves only the few tags we render, without attributes
    # except alt; what remains is regular enough to tokenise with one regular expression.
    html, _ = flatten_deep_nesting(html)
    cleaned = _TEXT_CLEANER.clean(html)
    out = _TextRenderer()
    pos = 0
    for match in _TOKEN.finditer(cleaned):
        out.text(cleaned[pos : match.start()])
        pos = match.end()
        out.tag(*match.groups())
    out.text(cleaned[pos:])
    return out.result()


class _TextRenderer:
    """What html_to_text has written: the finished lines, the line being written, and how deep
    in ``<blockquote>`` and ``<pre>`` the text now is."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.current: list[str] = []
        self.depth = 0  # blockquote nesting
        self.line_depth = 0
        self.pre = 0

    def end_line(self, force: bool = False) -> None:
        text = "".join(self.current)
        if text.strip() or force:
            prefix = "> " * self.line_depth
            self.lines.append(prefix + text.strip(" ") if not self.pre else prefix + text)
        self.current = []

    def write(self, text: str) -> None:
        if not self.current:
            self.line_depth = self.depth
        self.current.append(text)

    def text(self, chunk: str) -> None:
        if chunk:
            _write_text(chunk, self.write, self.end_line, self.pre > 0, bool(self.current))

    def tag(self, closing: str, name: str, attrs: str) -> None:
        if name == "br":
            if not self.current:
                self.line_depth = self.depth
            self.end_line(force=True)
        elif name == "img":
            alt = _ALT.search(attrs)
            if alt and alt.group(1).strip():
                self.write(f"[{html_lib.unescape(alt.group(1)).strip()}]")
        elif name in ("td", "th"):
            if closing and self.current:
                self.write(" ")
        elif name in _BLOCK:
            self._block(closing, name)

    def _block(self, closing: str, name: str) -> None:
        self.end_line()
        if name == "blockquote":
            self.depth = max(0, self.depth - 1) if closing else self.depth + 1
        elif name == "pre":
            self.pre = max(0, self.pre - 1) if closing else self.pre + 1
        elif name == "li" and not closing:
            self.write("- ")

    def result(self) -> str:
        self.end_line()
        text = "\n".join(line.rstrip() for line in self.lines)
        return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def _write_text(chunk: str, write, end_line, in_pre: bool, mid_line: bool) -> None:
    text = html_lib.unescape(chunk)
    if in_pre:
        first, *rest = text.split("\n")
        write(first)
        for line in rest:
            end_line(force=True)
            write(line)
        return
    text = _HTML_SPACE.sub(" ", text)
    if not mid_line:
        text = text.lstrip(" ")
    if text:
        write(text.replace("\xa0", " "))


# --- attachment names -------------------------------------------------------------------------

MAX_FILENAME = 200
_UNSAFE_IN_NAME = re.compile(r'[<>:"|?*\\/]')
_WINDOWS_DEVICES = re.compile(r"(?:con|prn|aux|nul|com\d|lpt\d)(?:\..*)?\Z", re.I)
_EXTRA_TYPES = {"message/rfc822": ".eml", "text/plain": ".txt", "application/octet-stream": ".bin"}


def safe_filename(name: str, index: int, content_type: str = "") -> str:
    """A name safe to store and offer for download: the last path component, NFC, without
    control or format characters (no right-to-left override tricks), reserved characters
    replaced, at most 200 characters with the extension kept; ``attachment-N.ext`` if nothing
    is left."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(
        " " if char.isspace() else char
        for char in name
        if unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co", "Cn") or char.isspace()
    )
    name = _UNSAFE_IN_NAME.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    if name and _WINDOWS_DEVICES.match(name):
        name = "_" + name
    if len(name) > MAX_FILENAME:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 16 and stem:
            name = stem[: MAX_FILENAME - len(extension) - 1].rstrip() + "." + extension
        else:
            name = name[:MAX_FILENAME].rstrip()
    if not name or not any(char.isalnum() for char in name):
        extension = _EXTRA_TYPES.get(content_type) or mimetypes.guess_extension(content_type) or ""
        name = f"attachment-{index}{extension}"
    return name
