"""Turn the bytes of a mail part or header into text, whatever its charset label says.

Why our own: the stdlib decodes with the declared label and replaces what does not fit, and no
well-kept library knows how CJK mail is really mislabelled. What we see in practice:

- ``gb2312`` (and ``x-gbk``, ``euc-cn``, ``cp936`` …) carrying GBK or GB 18030 text — we decode
  the whole family as **gb18030**, a superset of them all;
- ``big5`` carrying the Microsoft (cp950) or Hong Kong (HKSCS) extensions;
- ``shift_jis`` carrying the Windows extensions (①, ㈱, 髙) — decoded as **cp932**;
- ``iso-2022-jp`` carrying the same NEC/IBM extensions in JIS form (Outlook's "CP50220"), which
  no stdlib codec reads — we translate the JIS pairs to Shift_JIS and decode them as cp932;
- ``euc-kr`` / ``ks_c_5601-1987`` carrying the Unified Hangul Code syllables — decoded as cp949;
- ``iso-8859-1`` / ``us-ascii`` carrying Windows-1252 quotes and euro signs, or plain UTF-8;
- ``unknown-8bit``, ``x-unknown``, an empty or garbage label: we try UTF-8, then the CJK charsets
  (each only if it decodes cleanly *and* its result reads like the language: kana for Japanese,
  the commonest Hangul syllables for Korean, the commonest characters for Chinese), then the
  Cyrillic and Western Windows code pages.

Nothing here raises on bad input; every decision that lost or guessed something comes back as a
``defect`` sentence for the caller to record.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Decoded", "codec_chain", "decode_bytes", "guess_decode"]


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes, the codec that produced it, and what went wrong ("" if nothing)."""

    text: str
    charset: str
    defect: str = ""


# Labels seen in mail, normalised (lower case, no quotes), to the codecs we try in order. The
# first strict success wins; when all fail, the first codec decodes with replacement characters.
_GB = ("gb18030",)
_BIG5 = ("cp950", "big5hkscs")  # Windows Big5 first, Hong Kong's extensions as the fallback
_SJIS = ("cp932", "shift_jis_2004")
_ISO2022JP = ("iso2022_jp", "x-iso2022jp-cp932", "iso2022_jp_2", "iso2022_jp_3")
_EUCJP = ("euc_jp", "euc_jis_2004")
_KR = ("cp949",)
_LATIN1 = ("cp1252", "latin_1")
_UTF8 = ("utf-8",)

_ALIASES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        (
            "gb2312",
            "gb_2312",
            "gb_2312-80",
            "gb2312-80",
            "csgb2312",
            "gbk",
            "x-gbk",
            "cp936",
            "ms936",
            "windows-936",
            "euc-cn",
            "euccn",
            "x-euc-cn",
            "chinese",
            "iso-ir-58",
            "gb18030",
            "gb-18030",
        ),
        _GB,
    ),
    **dict.fromkeys(
        (
            "big5",
            "big-5",
            "big-five",
            "bigfive",
            "cn-big5",
            "csbig5",
            "x-x-big5",
            "x-big5",
            "cp950",
            "ms950",
            "windows-950",
        ),
        _BIG5,
    ),
    **dict.fromkeys(("big5-hkscs", "big5hkscs", "hkscs"), ("big5hkscs", "cp950")),
    **dict.fromkeys(
        (
            "shift_jis",
            "shift-jis",
            "shiftjis",
            "sjis",
            "x-sjis",
            "s-jis",
            "ms_kanji",
            "csshiftjis",
            "windows-31j",
            "cswindows31j",
            "cp932",
            "ms932",
            "x-ms-cp932",
        ),
        _SJIS,
    ),
    **dict.fromkeys(
        (
            "iso-2022-jp",
            "iso2022jp",
            "csiso2022jp",
            "iso-2022-jp-1",
            "iso-2022-jp-2",
            "iso-2022-jp-3",
            "iso-2022-jp-ext",
            "jis",
            "cp50220",
            "cp50221",
            "cp50222",
        ),
        _ISO2022JP,
    ),
    **dict.fromkeys(("euc-jp", "eucjp", "x-euc-jp", "ujis", "cseucpkdfmtjapanese"), _EUCJP),
    **dict.fromkeys(
        (
            "euc-kr",
            "euckr",
            "x-euc-kr",
            "cseuckr",
            "ks_c_5601-1987",
            "ks_c_5601",
            "ks_c_5601-1989",
            "ksc5601",
            "ksc_5601",
            "korean",
            "csksc56011987",
            "iso-ir-149",
            "uhc",
            "cp949",
            "ms949",
            "windows-949",
            "x-windows-949",
        ),
        _KR,
    ),
    **dict.fromkeys(
        (
            "iso-8859-1",
            "iso8859-1",
            "iso_8859-1",
            "iso_8859-1:1987",
            "latin1",
            "latin-1",
            "l1",
            "iso-ir-100",
            "cp819",
            "ibm819",
            "csisolatin1",
            "windows-1252",
            "cp1252",
            "x-cp1252",
        ),
        _LATIN1,
    ),
    **dict.fromkeys(("utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8", "utf-8-sig"), _UTF8),
    # Python knows these under other names or not at all.
    "tis-620": ("cp874",),
    "windows-874": ("cp874",),
    "iso-8859-11": ("cp874",),
    "x-mac-roman": ("mac_roman",),
    "iso-8859-8-i": ("iso8859_8",),
    "iso-8859-6-i": ("iso8859_6",),
}
# Labels that promise nothing: decide from the content. ASCII belongs here because 8-bit bytes
# under a us-ascii label are always a mislabel.
_NO_PROMISE = frozenset(
    {
        "",
        "unknown-8bit",
        "unknown",
        "x-unknown",
        "x-user-defined",
        "default",
        "charset",
        "none",
        "us-ascii",
        "ascii",
        "ansi_x3.4-1968",
        "iso646-us",
        "us",
        "646",
        "cp367",
        "ibm367",
        "csascii",
    }
)
# Python codecs that are not character sets, or that we never want a sender to pick.
_REFUSED_CODECS = frozenset(
    {
        "undefined",
        "unicode-escape",
        "raw-unicode-escape",
        "idna",
        "punycode",
        "charmap",
        "mbcs",
        "oem",
        "unicode-internal",
    }
)
_MULTIBYTE_FIRST = frozenset(
    {"gb18030", "cp950", "big5hkscs", "cp932", "cp949", "iso2022_jp", "euc_jp"}
)


def _normalise_label(label: str | None) -> str:
    if not label:
        return ""
    label = label.strip().strip("\"'").strip().lower()
    # RFC 2231 lets a language ride on the charset ("utf-8*en").
    return label.split("*", 1)[0]


@lru_cache(maxsize=256)
def codec_chain(label: str | None) -> tuple[str, ...] | None:
    """The codecs to try for ``label``, best first; ``None`` when the label promises nothing."""
    name = _normalise_label(label)
    if name in _NO_PROMISE or len(name) > 40:
        return None
    if name in _ALIASES:
        return _ALIASES[name]
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return None
    if info.name in _REFUSED_CODECS or not getattr(info, "_is_text_encoding", True):
        return None
    # Let the table above catch what Python calls by its own names (e.g. "euc_kr" → cp949).
    return _ALIASES.get(info.name.replace("_", "-"), (info.name,))


@lru_cache(maxsize=64)
def _is_single_byte(codec: str) -> bool:
    """True for code pages where every byte is one character (Latin, Cyrillic, Greek …)."""
    if codec.startswith("utf") or codec in _MULTIBYTE_FIRST:
        return False
    try:
        return len(bytes(range(256)).decode(codec, "replace")) == 256
    except (LookupError, ValueError, TypeError):
        return False


def _decode(data: bytes, codec: str, errors: str = "strict") -> str:
    if codec == "x-iso2022jp-cp932":
        return _iso2022jp_via_cp932(data, errors)
    return data.decode(codec, errors)


def decode_bytes(data: bytes, label: str | None, *, hint: str | None = None) -> Decoded:
    """Decode ``data`` declared as ``label``; never raises.

    ``hint`` names a charset to prefer when guessing (the body's charset when we decode a header
    that arrived as raw 8-bit bytes).
    """
    if not data:
        return Decoded("", "ascii")
    chain = codec_chain(label)
    if chain is None:
        return _decode_undeclared(data, label, hint)
    first = chain[0]
    if first != "utf-8" and _is_single_byte(first) and not data.isascii():
        # Western labels on UTF-8 text are the common mislabel; Latin text that happens to be
        # valid UTF-8 is implausible ("Ã©" is what UTF-8 looks like read as Latin-1).
        text = _utf8_or_none(data)
        if text is not None:
            return Decoded(
                text, "utf-8", f"declared as {_normalise_label(label)} but was UTF-8; read as UTF-8"
            )
    name = _normalise_label(label)
    read = _decode_by_chain(data, chain, name)
    return read if read is not None else _decode_mislabelled(data, first, name)


def _utf8_or_none(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _decode_undeclared(data: bytes, label: str | None, hint: str | None) -> Decoded:
    """No usable label (none, one that promises nothing, or an unknown one): guess."""
    read = guess_decode(data, hint=hint)
    name = _normalise_label(label)
    if read.charset == "ascii":
        return read
    if name in _NO_PROMISE:
        note = (
            f"no charset was declared; the text was read as {read.charset}"
            if not name or name in ("us-ascii", "ascii")
            else f"charset {name!r} promises nothing; the text was read as {read.charset}"
        )
    else:
        note = f"unknown charset {name!r}; the text was read as {read.charset}"
    return Decoded(read.text, read.charset, note)


def _decode_by_chain(data: bytes, chain: tuple[str, ...], name: str) -> Decoded | None:
    """The first codec of the label's chain that reads ``data``; None if none does."""
    for codec in chain:
        try:
            text = _decode(data, codec)
        except (ValueError, LookupError, TypeError):  # any codec Python knows may be named
            continue
        if codec in _MULTIBYTE_FIRST and _implausible(text, codec):
            guessed = _guess_cjk(data, minimum=0.5)
            if guessed is not None:
                return Decoded(
                    guessed.text,
                    guessed.charset,
                    f"declared as {name} but was {guessed.charset}; read as {guessed.charset}",
                )
        return Decoded(text, codec)
    return None


def _decode_mislabelled(data: bytes, first: str, name: str) -> Decoded:
    """The label is wrong: UTF-8, or another CJK charset that reads like its language
    (ISO-2022-JP labels on raw Shift_JIS, gb2312 labels on Big5 …); else replace bad bytes."""
    if first != "utf-8":
        text = _utf8_or_none(data)
        if text is not None:
            return Decoded(text, "utf-8", f"declared as {name} but was UTF-8; read as UTF-8")
    guessed = _guess_cjk(data)
    if guessed is not None:
        return Decoded(
            guessed.text,
            guessed.charset,
            f"declared as {name} but was {guessed.charset}; read as {guessed.charset}",
        )
    try:
        text = _decode(data, first, "replace")
    except (ValueError, LookupError, TypeError):
        text, first = data.decode("latin_1"), "latin_1"
    return Decoded(text, first, f"text was not valid {name}; bad bytes were replaced")


# --- guessing ----------------------------------------------------------------------------------

# The commonest characters of each written language; real text hits these lists far more often
# than the same bytes read in the wrong charset (which yields rare, random characters).
_ZH_HANS = frozenset(
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年"
    "过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心"
    "本前开但因只从想实日者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问"
    "很最重并物手应向头文体相见被利什二等产或新己制身果加月话合回特代内信表化老给世位次度门任常"
    "先通原声提立及比员解名真论处走各入几口认条平系气题活更别打变四总何电数安少报才结反受目太量"
    "再感建务做接必场件计管期直资命指统区保至形便空决治展科司基书非则听白界达光放强即像难且权思"
    "完设式色路记品告类求据程边该交规取格望觉术领共确传清今切让识候带导争运改收根造言联持组每济"
    "车亲极服快办议往元证近失转令准布始怎呢存未叫单影具字备连调深商算质团集百需价级整离况请技际"
    "约示复息究线似断满支视消越器容照须增研写称功吗包片查早除找装显吧标谈图念引首局专费号另较注"
    "语仅考落随选列响虽推势参希构半节投某案维划致律态护兴验责营够章音跟志底站严例防供效续施留讲"
    "型料终答紧绝察段依批群项故按围织害双境客纪举低友诉止细愿千值仍网热助育属限速刻否状率甚独般"
    "普试预谁益若哪微继送急素适初喜源待述置居劳财环排福纳欢获模充负停疑层略范竟句室异激策简罪判"
    "担静退既您余检差富协角配修降审坚善读免压银买养帮宣岁航优香税左右份穿背概块敢守户款靠评版座"
    "释顾登货付换闻危忙核介讨良序升监临露永域括误谢麻烦故障节点服务器日志错误系统升级版本数据连"
    "接失败重启客户邮件附件回复订单账号密码登录网络问题情况尽快处理确认"
)
_ZH_HANT = frozenset(
    "的一是不了在人有我他這個們中來上大為和國地到以說時要就出會可也你對生能而子那得於著下自之年"
    "過發後作裡用道行所然家種事成方多經麼去法學如都同現當沒動面起看定天分還進好小部其些主樣理心"
    "本前開但因只從想實日者意無力它與長把機十民第公此已工使情明性知全三又關點正業外將兩高間由問"
    "很最重並物手應向頭文體相見被利什二等產或新己制身果加月話合回特代內信表化老給世位次度門任常"
    "先通原聲提立及比員解名真論處走各入幾口認條平系氣題活更別打變四總何電數安少報才結反受目太量"
    "再感建務做接必場件計管期直資命指統區保至形便空決治展科司基書非則聽白界達光放強即像難且權思"
    "完設式色路記品告類求據程邊該交規取格望覺術領共確傳清今切讓識候帶導爭運改收根造言聯持組每濟"
    "車親極服快辦議往元證近失轉令準布始怎呢存未叫單影具字備連調深商算質團集百需價級整離況請技際"
    "約示復息究線似斷滿支視消越器容照須增研寫稱功嗎包片查早除找裝顯吧標談圖念引首局專費號另較注"
    "謝麻煩故障節點伺服器日誌錯誤系統升級版本數據資料連接失敗重啟客戶郵件附件回覆訂單帳號密碼登錄"
    "網路問題情況盡快處理確認您"
)
_KO = frozenset(
    "이다는의에하고을가를한지서기로습니요도사대수있안해세시어리으게나라인들그정자만적주아일부것"
    "전상보제구께드면여니장원경또해서우까과없우리님감사합니다확인문의요청부탁드립버전서버노드장"
    "애오류로그재시작업데이트설치연결실패계정비밀번호고객지원담당회신메일첨부파일내용"
)
_CJK_PUNCT = frozenset("、。，．・：；？！「」『』（）【】《》〈〉“”‘’ー～…　")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_HIGH_RUN = re.compile(rb"[\x80-\xff]+")


def _share(common: frozenset[str]) -> Callable[[str], float]:
    def score(text: str) -> float:
        return sum(1 for c in text if c in common or c in _CJK_PUNCT)

    return score


def _score_ja(text: str) -> float:
    return sum(1 for c in text if "\u3040" <= c <= "\u30ff" or c in _CJK_PUNCT)


def _score_cyrillic(text: str) -> float:
    return sum(1 for c in text if "\u0430" <= c <= "\u044f" or c == "\u0451")


_CANDIDATES: tuple[tuple[str, Callable[[str], float]], ...] = (
    ("gb18030", _share(_ZH_HANS)),
    ("cp932", _score_ja),
    ("euc_jp", _score_ja),
    ("cp949", _share(_KO)),
    ("cp950", _share(_ZH_HANT)),
)
_LANGUAGE_OF = dict(_CANDIDATES) | {
    "big5hkscs": _share(_ZH_HANT),
    "iso2022_jp": _score_ja,
}
_JAPANESE = frozenset({"cp932", "euc_jp", "iso2022_jp"})
_SAMPLE = 2000  # characters scored per candidate: enough to tell, cheap on a long body


def _language_share(text: str, score: Callable[[str], float]) -> float:
    sample = text[:_SAMPLE]
    non_ascii = sum(1 for c in sample if ord(c) >= 0x80)
    return score(sample) / non_ascii if non_ascii else 0.0


def _high_bytes_in_runs(data: bytes) -> float:
    """Share of 8-bit bytes next to another 8-bit byte: high for CJK and Cyrillic words."""
    runs = _HIGH_RUN.findall(data)
    total = sum(len(run) for run in runs)
    return sum(len(run) for run in runs if len(run) > 1) / total if total else 0.0


def _implausible(text: str, codec: str) -> bool:
    """Text a CJK codec decoded "cleanly" that cannot be right: private-use characters (GB 18030
    and Big5 give every unassigned pair one), or almost none of the language's commonest
    characters where there are enough to tell (GBK bytes read as Big5 give rare characters)."""
    if text.isascii():
        return False
    if _PRIVATE_USE.search(text):
        return True
    sample = text[:500]
    non_ascii = sum(1 for c in sample if ord(c) >= 0x80)
    # Kana count for every language: Chinese and Korean code pages carry Japanese too.
    hits = _LANGUAGE_OF[codec](sample) + (_score_ja(sample) if codec not in _JAPANESE else 0)
    return non_ascii >= 20 and hits / non_ascii < 0.15


def _guess_cjk(data: bytes, minimum: float = 0.25) -> Decoded | None:
    """The CJK code page that decodes ``data`` cleanly into the most typical text, if any."""
    best: tuple[float, str, str] | None = None
    for codec, score in _CANDIDATES:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _PRIVATE_USE.search(text):
            continue
        share = _language_share(text, score)
        if share >= minimum and (best is None or share > best[0]):
            best = (share, codec, text)
    return Decoded(best[2], best[1]) if best is not None else None


def _guess_seven_bit(data: bytes) -> Decoded:
    """ASCII bytes: ISO-2022-JP or -KR when they carry its escape sequences, else ASCII."""
    if b"\x1b$" in data or b"\x1b(" in data:
        for codec in _ISO2022JP:
            try:
                return Decoded(_decode(data, codec), codec)
            except (UnicodeDecodeError, ValueError):
                continue
        if b"\x1b$)C" in data:
            try:
                return Decoded(data.decode("iso2022_kr"), "iso2022_kr")
            except (UnicodeDecodeError, ValueError):
                pass
    return Decoded(data.decode("ascii"), "ascii")


def _guess_from_hint(data: bytes, hint: str | None) -> Decoded | None:
    """The first codec of the ``hint`` charset's chain that reads ``data``."""
    for codec in (codec_chain(hint) or ()) if hint else ():
        try:
            return Decoded(_decode(data, codec), codec)
        except (ValueError, LookupError, TypeError):
            continue
    return None


def _guess_cyrillic(data: bytes) -> Decoded | None:
    """Windows-1251 when the 8-bit bytes come in runs and read as lower-case Cyrillic."""
    if _high_bytes_in_runs(data) < 0.6:
        return None
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        return None
    if _language_share(text, _score_cyrillic) >= 0.6:
        return Decoded(text, "cp1251")
    return None


def guess_decode(data: bytes, *, hint: str | None = None) -> Decoded:
    """Decode bytes whose charset nobody told us; never raises.

    Order: ASCII (and ISO-2022 escape sequences), UTF-8, the ``hint`` charset, then the CJK code
    pages that decode cleanly, scored by how much of the result is the language's commonest
    characters (kana for Japanese), then Windows-1251 when the 8-bit bytes come in runs and read
    as lower-case Cyrillic, else Windows-1252 (Latin-1 for its five undefined bytes).
    """
    if data.isascii():
        return _guess_seven_bit(data)
    text = _utf8_or_none(data)
    if text is not None:
        return Decoded(text, "utf-8")
    guessed = _guess_from_hint(data, hint) or _guess_cjk(data) or _guess_cyrillic(data)
    if guessed is not None:
        return guessed
    try:
        return Decoded(data.decode("cp1252"), "cp1252")
    except UnicodeDecodeError:
        return Decoded(data.decode("latin_1"), "latin_1")


# --- ISO-2022-JP with the Windows extensions ("CP50220") --------------------------------------

_ESC_ASCII = (b"(B", b"(J", b"(H")
_ESC_KANJI = (b"$@", b"$B", b"&@")


def _escape_at(data: bytes, i: int) -> tuple[str, int] | None:
    """The mode the escape sequence at ``i`` switches to and its length; None if unknown."""
    seq = data[i + 1 : i + 3]
    if seq in _ESC_ASCII:
        return "ascii", 3
    if seq in _ESC_KANJI:
        return "kanji", 3
    if data[i + 1 : i + 4] == b"$(D" or data[i + 1 : i + 4] == b"$(Q":
        return "kanji", 4
    if seq == b"(I":
        return "kana", 3
    return None


def _jis_to_shift_jis(first: int, second: int) -> bytes:
    """The Shift_JIS pair of one JIS X 0208 pair (both bytes 0x21..0x7E)."""
    lead = ((first - 0x21) >> 1) + 0x81
    if lead > 0x9F:
        lead += 0x40
    if first & 1:
        trail = second + 0x1F
        if trail >= 0x7F:
            trail += 1
    else:
        trail = second + 0x7E
    return bytes((lead, trail))


def _bad_bytes(errors: str, data: bytes, start: int, end: int, reason: str) -> bytes:
    """What replaces bytes the reader cannot read: "?", or an error when ``errors`` is strict."""
    if errors == "strict":
        raise UnicodeDecodeError("iso2022_jp", data, start, end, reason)
    return b"?"


def _iso2022jp_via_cp932(data: bytes, errors: str = "strict") -> str:
    """Read ISO-2022-JP by turning each JIS X 0208 pair into Shift_JIS and decoding cp932.

    Outlook and many Japanese mailers put the NEC and IBM extension rows (①, ㈱, Ⅲ, 髙) into
    ISO-2022-JP mail; Python's iso2022 codecs reject them, cp932 has them at the very positions
    the plain JIS-to-Shift_JIS arithmetic lands on.
    """
    out = bytearray()
    mode = "ascii"
    i, n = 0, len(data)
    while i < n:
        byte = data[i]
        if byte == 0x1B:
            escape = _escape_at(data, i)
            if escape is not None:
                mode, length = escape
                i += length
                continue
            out += _bad_bytes(errors, data, i, i + 1, "unknown escape sequence")
            i += 1
            continue
        if byte in (0x0A, 0x0D):
            mode = "ascii"  # a line end always returns to ASCII, even if the sender forgot to
            out.append(byte)
            i += 1
        elif mode == "kanji" and 0x21 <= byte <= 0x7E:
            second = data[i + 1] if i + 1 < n else 0
            if not 0x21 <= second <= 0x7E:
                out += _bad_bytes(errors, data, i, i + 2, "incomplete pair")
                i += 1
                continue
            out += _jis_to_shift_jis(byte, second)
            i += 2
        elif mode == "kana" and 0x21 <= byte <= 0x5F:
            out.append(byte + 0x80)
            i += 1
        elif byte >= 0x80:
            out += _bad_bytes(errors, data, i, i + 1, "8-bit byte")
            i += 1
        else:
            out.append(byte)
            i += 1
    return out.decode("cp932", errors)
