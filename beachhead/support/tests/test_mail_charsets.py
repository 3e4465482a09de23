"""Charset decoding and header decoding: the mislabels real mail carries."""

from __future__ import annotations

import base64

import pytest

from beachhead.support.mail.charsets import codec_chain, decode_bytes, guess_decode
from beachhead.support.mail.headers import (
    decode_header_text,
    parse_message_ids,
    parse_params,
)

JA = "お世話になっております。ノードが昨日から応答しません。ログをご確認ください。"
ZH_HANS = "您好，我们的服务器节点昨天晚上出现故障，无法重新启动。请尽快帮我们检查一下日志。"
ZH_HANT = "您好，我們的伺服器節點昨天晚上出現故障，無法重新啟動。請盡快幫我們檢查一下日誌。"
KO = "안녕하세요. 어제부터 노드가 응답하지 않습니다. 로그를 첨부하니 확인 부탁드립니다."
RU = "Здравствуйте! Наш узел перестал отвечать после обновления. Помогите, пожалуйста."
DE = "Grüße aus München – unser Knoten läuft nicht, Lizenz „abgelaufen“ (5 €)."


@pytest.mark.parametrize(
    ("label", "codecs"),
    [
        ("gb2312", ("gb18030",)),
        ("GB_2312-80", ("gb18030",)),
        ("x-gbk", ("gb18030",)),
        ("cp936", ("gb18030",)),
        ("euc-cn", ("gb18030",)),
        ('"GBK"', ("gb18030",)),
        ("big5", ("cp950", "big5hkscs")),
        ("x-sjis", ("cp932", "shift_jis_2004")),
        ("Shift_JIS", ("cp932", "shift_jis_2004")),
        ("ks_c_5601-1987", ("cp949",)),
        ("euc-kr", ("cp949",)),
        ("iso-8859-1", ("cp1252", "latin_1")),
        ("utf-8*en", ("utf-8",)),
        ("koi8-r", ("koi8-r",)),
        ("windows-1251", ("cp1251",)),
    ],
)
def test_label_mapping(label, codecs):
    assert codec_chain(label) == codecs


@pytest.mark.parametrize(
    "label", [None, "", "unknown-8bit", "x-unknown", "us-ascii", "garbage!", "base64", "rot13"]
)
def test_labels_that_promise_nothing(label):
    assert codec_chain(label) is None


@pytest.mark.parametrize(
    ("text", "codec", "label"),
    [
        ("王喆和朱镕" + ZH_HANS, "gbk", "gb2312"),  # GBK-only characters under a gb2312 label
        ("𠀀" + ZH_HANS, "gb18030", "gbk"),  # four-byte GB 18030 under a gbk label
        (ZH_HANT + "碁銹裏", "cp950", "big5"),
        ("①㈱髙～" + JA, "cp932", "shift_jis"),
        ("똠양꿍" + KO, "cp949", "euc-kr"),
        (DE, "cp1252", "iso-8859-1"),
        (RU, "cp1251", "windows-1251"),
        (JA, "euc_jp", "euc-jp"),
    ],
)
def test_mislabelled_text_decodes_right(text, codec, label):
    decoded = decode_bytes(text.encode(codec), label)

    assert decoded.text == text
    assert decoded.defect == ""


def test_iso_2022_jp_with_nec_and_halfwidth_kana():
    # ① in JIS row 13 (what Outlook sends) and half-width katakana (ESC ( I)
    raw = "障害".encode("iso2022_jp")[:-3] + b"\x2d\x21\x1b(I\x36\x1b(B"

    assert decode_bytes(raw, "iso-2022-jp").text == "障害①ｶ"


def test_utf8_under_a_latin_label():
    decoded = decode_bytes("Grüße".encode(), "iso-8859-1")

    assert decoded.text == "Grüße"
    assert "UTF-8" in decoded.defect


def test_utf8_under_a_cjk_label_that_does_not_fit():
    decoded = decode_bytes("ノード".encode(), "shift_jis")

    assert decoded.text == "ノード"
    assert "UTF-8" in decoded.defect


def test_undecodable_bytes_are_replaced_with_a_defect():
    decoded = decode_bytes(b"ok \xff\xfe\xfd", "utf-8")

    assert decoded.text.startswith("ok ")
    assert "\ufffd" in decoded.text
    assert "replaced" in decoded.defect


@pytest.mark.parametrize(
    ("text", "codec", "expected"),
    [
        (JA, "cp932", "cp932"),
        (JA, "euc_jp", "euc_jp"),
        (JA, "iso2022_jp", "iso2022_jp"),
        (ZH_HANS, "gb18030", "gb18030"),
        (ZH_HANT, "big5", "cp950"),
        (KO, "cp949", "cp949"),
        (RU, "cp1251", "cp1251"),
        (DE, "cp1252", "cp1252"),
        (DE, "utf-8", "utf-8"),
        ("plain ascii", "ascii", "ascii"),
    ],
)
def test_guessing_without_a_label(text, codec, expected):
    decoded = guess_decode(text.encode(codec))

    assert decoded.text == text
    assert decoded.charset == expected


def test_guess_prefers_the_hint():
    # two hanzi whose GBK bytes also read as valid cp932; the body's charset decides
    raw = "节点".encode("gbk")

    assert guess_decode(raw, hint="gb2312").text == "节点"


@pytest.mark.parametrize("garbage", [b"\x80", b"\xff" * 7, bytes(range(128, 256)), b"\x1b$B\x7f"])
def test_guessing_never_fails(garbage):
    assert isinstance(guess_decode(garbage).text, str)
    assert isinstance(decode_bytes(garbage, "iso-2022-jp").text, str)


# --- RFC 2047 encoded words ------------------------------------------------------------------


def _b(text: str, charset: str, codec: str | None = None) -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(codec or charset)).decode()}?="


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (_b("节点故障", "gb2312", "gbk"), "节点故障"),
        (_b("王喆", "gb2312", "gbk"), "王喆"),  # GBK under gb2312
        (_b("髙橋", "shift_jis", "cp932"), "髙橋"),
        (_b("똠양꿍", "ks_c_5601-1987", "cp949"), "똠양꿍"),
        ("=?iso-8859-1?q?J=FCrgen_Wei=DF?=", "Jürgen Weiß"),
        ("=?windows-1252?Q?=84Zitat=93?=", "„Zitat“"),
        # adjacent words: the whitespace between them goes
        (_b("障害", "utf-8") + "\r\n " + _b("報告", "utf-8"), "障害報告"),
        # a character split across two words (illegal, common)
        ("=?utf-8?B?5p2x?= =?utf-8?B?5Lqs?=", "東京"),
        ("=?utf-8?Q?=E6=9D?= =?utf-8?Q?=B1=E4=BA=AC?=", "東京"),
        # literal text around and between words stays
        ("Re: " + _b("节点", "utf-8") + " ok " + _b("故障", "utf-8"), "Re: 节点 ok 故障"),
        ("Re:" + _b("节点", "utf-8"), "Re:节点"),
        # language suffix (RFC 2231) and lower-case encoding letter
        ("=?UTF-8*ja?b?44OO44O844OJ?=", "ノード"),
        # missing padding and stray characters
        ("=?utf-8?B?44OO44O844OJ?=", "ノード"),
        ("=?utf-8?B?5p2x5Lqs?=", "東京"),
        ("=?utf-8?B?5p2x5Lq?=", "東\ufffd"),
        # an unknown charset label is guessed
        ("=?x-unknown?B?" + base64.b64encode("障害".encode()).decode() + "?=", "障害"),
        # not encoded words at all
        ("What =? is this ?=", "What =? is this ?="),
        ("  lots   of\t\tspace \r\n folded  ", "lots of space folded"),
    ],
)
def test_decode_header_text(raw, expected):
    assert decode_header_text(raw) == expected


def test_raw_8bit_header_uses_utf8_then_the_hint():
    utf8 = "ノード障害".encode().decode("ascii", "surrogateescape")
    gbk = "节点故障".encode("gbk").decode("ascii", "surrogateescape")
    defects: list[str] = []

    assert decode_header_text(utf8) == "ノード障害"
    assert decode_header_text(gbk, hint="gb2312", defects=defects) == "节点故障"
    assert defects == ["a header held raw 8-bit bytes, read as gb18030"]


def test_broken_encoded_word_is_kept_and_noted():
    defects: list[str] = []

    text = decode_header_text("=?utf-8?B?####?=", defects=defects)

    assert isinstance(text, str)
    assert defects


def test_message_ids_in_order_once():
    raw = "<a@x>\r\n <b@y>,<c@z> (comment) <a@x>\r\n\t< d @w >"

    assert parse_message_ids(raw) == ["a@x", "b@y", "c@z", "d@w"]


def test_rfc2231_parameters():
    main, params = parse_params(
        "attachment; filename*0*=utf-8'ja'%E9%9A%9C; filename*1*=%E5%AE%B3; "
        'filename*2=".txt"; size=12'
    )

    assert main == "attachment"
    assert params["filename"] == ("utf-8", "障害.txt".encode())
    assert params["size"] == "12"


@pytest.mark.parametrize(
    ("text", "codec", "label", "read_as"),
    [
        (ZH_HANT, "big5", "gb2312", "cp950"),  # GB 18030 gives private-use characters
        (ZH_HANS, "gbk", "big5", "gb18030"),  # Big5 gives rare characters, no common ones
        (JA, "cp932", "iso-2022-jp", "cp932"),  # raw Shift_JIS under a 7-bit label
        (KO, "cp949", "utf-8", "cp949"),
    ],
)
def test_the_wrong_cjk_label_is_noticed(text, codec, label, read_as):
    decoded = decode_bytes(text.encode(codec), label)

    assert decoded.text == text
    assert decoded.charset == read_as
    assert decoded.defect == f"declared as {label} but was {read_as}; read as {read_as}"


def test_short_cjk_text_keeps_its_label():
    # too little text to overrule the sender: 您好 in GBK reads as two rare Big5 characters
    assert decode_bytes("您好".encode("gbk"), "big5").charset == "cp950"
