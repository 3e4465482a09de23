"""parse_message on real mail: one fixture per charset case, then the edges of the interface."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from beachhead.support.mail import (
    MailParseError,
    ParsedAttachment,
    ParsedMessage,
    parse_message,
)

FIXTURES = Path(__file__).parent / "mail"


def parse_fixture(name: str, **options) -> ParsedMessage:
    return parse_message((FIXTURES / name).read_bytes(), **options)


# --- one fixture per charset ------------------------------------------------------------------


def test_japanese_iso_2022_jp_with_nec_characters_and_gmail_quote():
    # given a 7bit ISO-2022-JP mail from Outlook holding ① (a NEC row-13 character)
    parsed = parse_fixture("ja-iso-2022-jp.eml")

    # then the subject (two encoded words), the name and the body all decode
    assert parsed.subject == "【至急】本番クラスタのノード障害について"
    assert parsed.from_name == "山田 太郎"
    assert parsed.from_address == "yamada@yamato-seiki.co.jp"
    assert "ノード ① (node-tokyo-03) が応答しなくなりました" in parsed.text_visible
    assert parsed.text_visible.endswith("株式会社ヤマト精機 情報システム部")
    assert parsed.text_quoted.startswith("2026年11月20日(金) 9:30 Beachhead Support")
    assert "ログを添付してご返信ください" in parsed.text_quoted
    assert parsed.language_hint == "ja"
    assert parsed.date == datetime(2026, 11, 20, 10, 15, 12, tzinfo=timezone(timedelta(hours=9)))
    assert parsed.message_id == "20261120101512.4F2A@mail.yamato-seiki.co.jp"
    assert parsed.in_reply_to == ["ticket-1042.reply-1@beachhead.example"]
    assert parsed.references == [
        "ticket-1042@beachhead.example",
        "ticket-1042.reply-1@beachhead.example",
    ]
    assert parsed.defects == []


def test_japanese_shift_jis_label_with_windows_characters_and_outlook_block():
    parsed = parse_fixture("ja-shift-jis.eml")

    assert parsed.subject == "RE: ノード障害について（ログ添付）"
    assert parsed.from_name == "髙橋 一郎"
    assert "㈱ヤマト精機 髙橋です。" in parsed.text_visible
    assert "「disk quota exceeded～」" in parsed.text_visible
    assert parsed.text_quoted.startswith("差出人: Beachhead Support")
    assert "送信日時" not in parsed.text_visible
    assert parsed.language_hint == "ja"  # Content-Language: ja-JP
    [log] = parsed.attachments
    assert log.filename == "エラーログ.txt"
    assert log.content_type == "text/plain"
    assert log.content == b"2026-11-20 10:12:03 node-tokyo-03 ERROR disk quota exceeded\n"
    assert log.size == len(log.content)
    assert not log.inline
    assert not log.rejected


def test_chinese_labelled_gb2312_but_really_gbk():
    # given a QQ Mail message labelled gb2312 whose names 王喆 and 朱镕 exist only in GBK
    parsed = parse_fixture("zh-gb2312-really-gbk.eml")

    assert parsed.subject == "回复：节点频繁重启（王喆）"
    assert parsed.from_name == "王喆"
    assert parsed.cc == ["zhurong@yunqiao-tech.cn"]
    assert "运维同事朱镕已经检查过磁盘和内存" in parsed.text_visible
    assert parsed.text_visible.endswith("谢谢！\n王喆")
    assert parsed.text_quoted.startswith("------------------ 原始邮件 ------------------")
    assert parsed.language_hint == "zh-hans"
    [log] = parsed.attachments
    assert log.filename == "日志.log"  # RFC 2231 in GBK
    assert log.content.decode("gbk").startswith("2026-11-20 10:01:44 节点 node-sh-02")
    assert parsed.defects == []


def test_chinese_gbk_8bit_with_raw_8bit_headers():
    # given unencoded GBK bytes in the Subject and From headers
    parsed = parse_fixture("zh-gbk-8bit.eml")

    # then the body charset is the hint that reads them
    assert parsed.subject == "回复: 节点无法启动"
    assert parsed.from_name == "李娜"
    assert parsed.from_address == "lina@hangzhou-shuju.cn"
    assert "节点已经恢复正常" in parsed.text_visible
    assert parsed.text_quoted.startswith("李娜 <lina@hangzhou-shuju.cn> 于2026年11月19日")
    assert any("raw 8-bit" in defect for defect in parsed.defects)


@pytest.mark.parametrize(
    ("fixture", "subject", "from_name", "visible", "quoted", "language"),
    [
        pytest.param(
            "zh-big5.eml",
            "節點更新後無法連線",
            "陳志明",
            ["我們的伺服器節點 node-tpe-01 在更新後無法連線"],
            "在 2026/11/19 下午 04:30, Beachhead Support 寫道：",
            "zh-hant",
            id="traditional_chinese_big5_quoted_printable",
        ),
        pytest.param(
            "de-windows-1252-as-latin1.eml",
            "AW: Lizenzproblem – Knoten „node-muc-02“",
            "Jürgen Weiß",
            ["„node-muc-02“ nicht mehr – die Lizenz", "(Wert 12.500 €)"],
            "Von: Beachhead Support",
            "de",
            id="german_latin1_label_with_windows_1252_characters",
        ),
        pytest.param(
            "zh-utf-8-quoted-printable.eml",
            "Re: 北京机房两个节点离线",
            "张伟",
            ["我们在北京机房的两个节点同时离线"],
            "在 2026年11月19日 17:55，Beachhead Support",
            "zh-hans",
            id="chinese_utf8_quoted_printable",
        ),
    ],
)
def test_a_reply_decodes_with_its_quote_and_language(
    fixture, subject, from_name, visible, quoted, language
):
    parsed = parse_fixture(fixture)

    assert parsed.subject == subject
    assert parsed.from_name == from_name
    for text in visible:
        assert text in parsed.text_visible
    assert parsed.text_quoted.startswith(quoted)
    assert parsed.language_hint == language


def test_korean_ks_c_5601_label_with_unified_hangul_syllable():
    # given Outlook's ks_c_5601-1987 label on text holding 똠 (only in cp949, not EUC-KR)
    parsed = parse_fixture("ko-ks_c_5601-1987.eml")

    assert parsed.subject == "RE: 노드 오류 문의 (똠양꿍식품)"
    assert parsed.from_name == "김민수"
    assert parsed.from_address == "minsu.kim@ddomyang.co.kr"
    assert parsed.text_visible.startswith("안녕하세요, 똠양꿍식품 IT팀 김민수입니다.")
    assert parsed.text_visible.endswith("김민수 드림")
    assert parsed.text_quoted.startswith("-----원본 메시지-----")
    assert parsed.language_hint == "ko"
    assert parsed.defects == []


def test_russian_windows_1251_8bit():
    parsed = parse_fixture("ru-windows-1251.eml")

    assert parsed.subject == "Узел не отвечает после обновления"
    assert parsed.from_name == "Алексей Смирнов"
    assert "узел node-msk-01 перестал отвечать" in parsed.text_visible
    assert parsed.language_hint == ""  # only CJK is guessed
    assert parsed.defects == []


def test_english_utf8_7bit_with_wrapped_gmail_attribution_and_messy_ids():
    parsed = parse_fixture("en-utf-8-7bit.eml")

    assert parsed.subject == "Re: [#3001] node-nyc-04 keeps dropping connections"
    assert parsed.from_name == "Emily Carter"
    assert parsed.from_address == "emily.carter@northwind-logistics.com"
    assert parsed.reply_to_address == "it-team@northwind-logistics.com"
    assert parsed.to == ["support@beachhead.example", "ops@northwind-logistics.com"]
    assert parsed.cc == ["raj.patel@northwind-logistics.com"]
    assert parsed.text_visible.endswith("Best,\nEmily")
    assert parsed.text_quoted.startswith("On Thu, Nov 19, 2026 at 6:10 PM")
    assert "Could you restart node-nyc-04" in parsed.text_quoted
    # In-Reply-To without brackets; References folded, with a comment, a comma and a repeat
    assert parsed.in_reply_to == ["ticket-3001.reply-2@beachhead.example"]
    assert parsed.references == [
        "ticket-3001@beachhead.example",
        "ticket-3001.reply-1@beachhead.example",
        "ticket-3001.reply-2@beachhead.example",
    ]
    assert parsed.auto_submitted is False  # Auto-Submitted: no
    assert parsed.headers["To"] == (
        "Beachhead Support <support@beachhead.example>, Ops, Northwind <ops@northwind-logistics.com>"
    )


def test_japanese_utf8_8bit_raw_headers_and_format_flowed():
    parsed = parse_fixture("ja-utf-8-8bit-flowed.eml")

    assert parsed.subject == "Re: メモリ使用率が下がらない"
    assert parsed.from_name == "佐藤 花子"
    assert parsed.to == ["support@beachhead.example"]
    # format=flowed; delsp=yes joins the soft-broken lines without a space; "-- " stays
    assert parsed.text.startswith(
        "佐藤です。昨日お送りした件ですが、ノードの再起動後もメモリ使用率が 95% のままで下がりません。"
    )
    assert parsed.text_visible.endswith("-- \n佐藤 花子")
    assert parsed.defects == []


def test_utf8_base64_html_with_inline_image_remote_pixel_and_rfc2231_name():
    parsed = parse_fixture("en-utf-8-base64-html.eml")

    assert parsed.subject == "CPU at 100% on node-sfo-07 — diagnostics attached"
    assert parsed.text.startswith("Hello Beachhead team,")  # from text/plain, not the HTML
    # the HTML is clean: no script, handlers, javascript: links or remote loads
    assert "<script" not in parsed.html
    assert "alert" not in parsed.html
    assert "onload" not in parsed.html
    assert "onclick" not in parsed.html
    assert "javascript:" not in parsed.html
    assert ' src="https://track' not in parsed.html
    assert "url(" not in parsed.html
    assert 'data-remote-src="https://track.mailer.example/open.gif?u=8812"' in parsed.html
    assert 'src="cid:dashboard@pacific-retail.com"' in parsed.html
    assert 'rel="noopener noreferrer nofollow"' in parsed.html
    assert parsed.remote_images_blocked == 2  # the pixel and the CSS background
    image, report = parsed.attachments
    assert (image.filename, image.content_type, image.content_id, image.inline) == (
        "image001.png",
        "image/png",
        "dashboard@pacific-retail.com",
        True,
    )
    assert image.content.startswith(b"\x89PNG")
    assert report.filename == "Diagnosebericht node-sfo-07 – Übersicht (2026-11-20).pdf"
    assert report.content.startswith(b"%PDF-1.4")
    assert not report.inline


def test_remote_images_load_with_consent():
    parsed = parse_fixture("en-utf-8-base64-html.eml", allow_remote_images=True)

    assert 'src="https://track.mailer.example/open.gif?u=8812"' in parsed.html
    assert parsed.remote_images_blocked == 0


def test_html_only_mail_is_rendered_as_text_and_its_blockquote_folds():
    parsed = parse_fixture("ja-utf-8-html-only.eml")

    assert parsed.text_visible == (
        "お世話になっております。\nノードの件、解決しました。ありがとうございました。\n\n小林"
    )
    assert parsed.text_quoted.startswith("2026年11月19日(木) 18:20 Beachhead Support")
    assert "> 設定を変更して再起動してください。" in parsed.text_quoted
    assert "<b>解決しました</b>" in parsed.html
    assert parsed.language_hint == "ja"


def test_unknown_8bit_body_is_guessed():
    parsed = parse_fixture("zh-unknown-8bit.eml")

    assert "我们的节点在升级以后无法启动" in parsed.text
    assert parsed.language_hint == "zh-hans"
    assert any("unknown-8bit" in defect and "gb18030" in defect for defect in parsed.defects)


# --- the interface ----------------------------------------------------------------------------


def test_result_types_and_fingerprint():
    raw = (FIXTURES / "en-utf-8-7bit.eml").read_bytes()
    parsed = parse_message(raw)

    assert isinstance(parsed, ParsedMessage)
    assert parsed.fingerprint == hashlib.sha256(raw).hexdigest()
    with pytest.raises(dataclasses.FrozenInstanceError):
        parsed.subject = "x"  # type: ignore[misc]
    assert set(parsed.headers) == {"Subject", "From", "To", "Cc", "Date", "Message-ID"}
    assert parsed.headers["From"] == "Emily Carter <emily.carter@northwind-logistics.com>"
    assert parsed.text == f"{parsed.text_visible}\n\n{parsed.text_quoted}"


def test_accepts_bytearray_and_memoryview():
    raw = b"Subject: hi\n\nbody\n"
    assert parse_message(bytearray(raw)).subject == "hi"
    assert parse_message(memoryview(raw)).text == "body"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"\r\n\r\n  \n", "empty"),
        ("Subject: hi\n\nbody", "bytes, not as str"),
        (None, "bytes, not as NoneType"),
        (b"\x00\x01\x02\x03binary\xff\xfe" * 20, "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ],
)
def test_not_an_email_at_all(raw, message):
    with pytest.raises(MailParseError, match=message):
        parse_message(raw)


def test_text_without_headers_is_kept_as_body():
    parsed = parse_message(b"Hello, our node is down.\nPlease help.\n")

    assert parsed.text == "Hello, our node is down.\nPlease help."
    assert parsed.message_id == ""
    assert parsed.subject == ""
    assert parsed.from_address == ""
    assert parsed.date is None
    assert any("no header lines" in defect for defect in parsed.defects)


def test_missing_headers_give_empty_values():
    parsed = parse_message(b"X-Nothing: here\n\n")

    assert (parsed.message_id, parsed.subject, parsed.from_name, parsed.from_address) == (
        "",
        "",
        "",
        "",
    )
    assert (parsed.to, parsed.cc, parsed.in_reply_to, parsed.references) == ([], [], [], [])
    assert parsed.date is None
    assert parsed.text == ""
    assert parsed.html == ""
    assert parsed.headers == {}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Fri, 20 Nov 2026 10:15:12 +0900", datetime(2026, 11, 20, 1, 15, 12, tzinfo=UTC)),
        ("20 Nov 2026 10:15:12 -0000", datetime(2026, 11, 20, 10, 15, 12, tzinfo=UTC)),
        ("Fri, 20 Nov 26 10:15 GMT", datetime(2026, 11, 20, 10, 15, tzinfo=UTC)),
        ("2026-11-20T10:15:12+09:00", datetime(2026, 11, 20, 1, 15, 12, tzinfo=UTC)),
        ("yesterday around noon", None),
        ("Fri, 45 Nov 2026 10:15:12 +0900", None),
        ("Fri, 20 Nov 2026 10:15:12 +9999", None),
        ("", None),
    ],
)
def test_date_is_aware_or_none(header, expected):
    parsed = parse_message(f"Date: {header}\nSubject: x\n\nbody".encode())

    assert parsed.date == expected
    if parsed.date is not None:
        assert parsed.date.tzinfo is not None


def test_message_id_without_brackets_and_junk_ids():
    raw = (
        b"Message-ID:   abc123@example.com  \n"
        b"In-Reply-To: Your message of Fri, 20 Nov 2026 <a1@x.example> (Bob)\n"
        b"References: a0@x.example\n a1@x.example, <a1@x.example> garbage <>\n"
        b"\nbody"
    )
    parsed = parse_message(raw)

    assert parsed.message_id == "abc123@example.com"
    assert parsed.in_reply_to == ["a1@x.example"]
    assert parsed.references == ["a1@x.example"]  # bracketed ids win over bare tokens


def test_addresses_are_lower_cased_and_junk_is_skipped():
    raw = (
        b"From: =?utf-8?q?Doe=2C_John?= <John.Doe@Example.COM>\n"
        b"To: undisclosed-recipients:;\n"
        b'Cc: not an address, <Bob@Example.org>, "Eve" <eve@@bad>\n'
        b"Reply-To: <Help@Example.com>\n"
        b"\nbody"
    )
    parsed = parse_message(raw)

    assert parsed.from_name == "Doe, John"  # decoded after splitting: one person, not two
    assert parsed.from_address == "john.doe@example.com"
    assert parsed.to == []
    assert parsed.cc == ["bob@example.org"]
    assert parsed.reply_to_address == "help@example.com"


def test_from_without_an_address():
    parsed = parse_message(b"From: Mail Delivery System\n\nbody")

    assert parsed.from_address == ""
    assert parsed.from_name == "Mail Delivery System"
    assert any("no usable address" in defect for defect in parsed.defects)


def test_content_language_is_normalised():
    def hint(value: str) -> str:
        return parse_message(f"Content-Language: {value}\n\nhello".encode()).language_hint

    assert hint("ja-JP") == "ja"
    assert hint("zh-CN, en") == "zh-hans"
    assert hint("zh-TW") == "zh-hant"
    assert hint("zh-Hant-HK") == "zh-hant"
    assert hint("?!") == ""
    assert hint("x-klingon") == ""


@pytest.mark.parametrize(
    ("headers", "automatic"),
    [
        (b"Auto-Submitted: auto-replied\n", True),
        (b"Auto-Submitted: auto-generated; owner-email=x@y\n", True),
        (b"Auto-Submitted: no\n", False),
        (b"Precedence: bulk\n", True),
        (b"Precedence: junk\n", True),
        (b"Precedence: list\n", True),
        (b"X-Autoreply: yes\n", True),
        (b"X-Autorespond: Out of office\n", True),
        (b"Return-Path: <>\n", True),
        (b"Content-Type: multipart/report; report-type=delivery-status; boundary=b\n", True),
        (b"Precedence: first-class\n", False),
        (b"", False),
    ],
)
def test_auto_submitted(headers, automatic):
    parsed = parse_message(b"From: a@b.example\nSubject: Out of office\n" + headers + b"\nbody")

    assert parsed.auto_submitted is automatic


def _with_attachment(size: int, *, name: str = "dump.bin", encoding: str = "base64") -> bytes:
    payload = bytes(range(256)) * (size // 256) + bytes(size % 256)
    encoded = base64.encodebytes(payload) if encoding == "base64" else payload
    return (
        b"From: ops@example.com\nSubject: dump\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="b"\n\n'
        b"--b\nContent-Type: text/plain\n\nsee attached\n"
        b'--b\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename="'
        + name.encode()
        + b'"\nContent-Transfer-Encoding: '
        + encoding.encode()
        + b"\n\n"
        + encoded
        + b"\n--b--\n"
    )


def test_attachment_over_the_limit_is_rejected_without_content():
    raw = _with_attachment(int(23.4 * 1024 * 1024))

    [dump] = parse_message(raw).attachments

    assert dump.rejected
    assert dump.content is None
    assert dump.filename == "dump.bin"
    assert dump.size == int(23.4 * 1024 * 1024)  # counted without decoding
    assert dump.reason == "larger than the 10 MB limit (23.4 MB)"


def test_attachment_limit_is_configurable():
    raw = _with_attachment(3000)

    [small] = parse_message(raw, max_attachment_bytes=3000).attachments
    [big] = parse_message(raw, max_attachment_bytes=2048).attachments

    assert not small.rejected
    assert small.size == 3000
    assert len(small.content) == 3000
    assert big.rejected
    assert big.reason == "larger than the 2 KB limit (2.9 KB)"


def test_binary_8bit_attachment_over_the_limit():
    [dump] = parse_message(
        _with_attachment(5000, encoding="binary"), max_attachment_bytes=1000
    ).attachments

    assert dump.rejected
    assert dump.content is None
    assert dump.size >= 5000


@pytest.mark.parametrize(
    ("disposition", "expected"),
    [
        (b'attachment; filename="../../etc/passwd"', "passwd"),
        (b'attachment; filename="C:\\\\Users\\\\x\\\\report.pdf"', "report.pdf"),
        (b'attachment; filename="evil\xe2\x80\xaefdp.exe"', "evilfdp.exe"),
        (b'attachment; filename="=?utf-8?B?5pel5b+XLnR4dA==?="', "日志.txt"),
        (b"attachment; filename*=utf-8''%E6%97%A5%E5%BF%97.txt", "日志.txt"),
        (b"attachment; filename*0*=utf-8''%E6%97%A5; filename*1*=%E5%BF%97.txt", "日志.txt"),
        (b'attachment; filename="\xe6\x97\xa5\xe5\xbf\x97.txt"', "日志.txt"),
        (b"attachment", "attachment-1.pdf"),
        (b'attachment; filename="...."', "attachment-1.pdf"),
        (b'attachment; filename="' + b"x" * 300 + b'.pdf"', "x" * 196 + ".pdf"),
    ],
)
def test_attachment_filenames_are_decoded_and_safe(disposition, expected):
    raw = (
        b"Subject: files\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
        b"--b\nContent-Type: application/pdf\nContent-Disposition: "
        + disposition
        + b"\nContent-Transfer-Encoding: base64\n\nJVBERi0=\n--b--\n"
    )

    [attachment] = parse_message(raw).attachments

    assert attachment.filename == expected
    assert attachment.content == b"%PDF-"


def test_forwarded_mail_is_an_eml_attachment():
    raw = (
        b"Subject: Fwd: alarm\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
        b"--b\nContent-Type: text/plain\n\nSee below.\n"
        b"--b\nContent-Type: message/rfc822\n\n"
        b"From: monitor@example.com\nSubject: =?utf-8?q?Knoten_=C3=BCberlastet?=\n\nCPU 100%\n"
        b"--b--\n"
    )

    parsed = parse_message(raw)

    assert parsed.text == "See below."
    [forwarded] = parsed.attachments
    assert forwarded.filename == "Knoten überlastet.eml"
    assert forwarded.content_type == "message/rfc822"
    assert b"CPU 100%" in forwarded.content


def test_broken_structures_are_recovered_with_defects():
    raw = (
        b"Subject: broken\nMIME-Version: 1.0\n"
        b"Content-Type: multipart/mixed; boundary=missing\n\n"
        b"no boundary ever appears here\n"
    )

    parsed = parse_message(raw)

    assert "no boundary ever appears here" in parsed.text
    assert any("boundary" in defect for defect in parsed.defects)


def test_bad_base64_body_is_repaired_with_a_defect():
    raw = (
        b"Subject: b64\nContent-Type: text/plain; charset=utf-8\n"
        b"Content-Transfer-Encoding: base64\n\n"
        + base64.b64encode("节点故障".encode()).rstrip(b"=")
        + b"!\n"
    )

    parsed = parse_message(raw)

    assert parsed.text == "节点故障"


def test_unknown_charset_label_is_guessed_with_a_defect():
    raw = (
        b"Subject: x\nContent-Type: text/plain; charset=x-made-up\n\n"
        + "ノードが停止しました。".encode("cp932")
    )

    parsed = parse_message(raw)

    assert parsed.text == "ノードが停止しました。"
    assert any("x-made-up" in defect for defect in parsed.defects)


def test_nul_and_control_characters_never_reach_the_text():
    parsed = parse_message(b"Subject: a\x00b\x07c\n\nline\x00one\r\nline\x1btwo\r\n")

    assert parsed.subject == "a b c"
    assert parsed.text == "lineone\nlinetwo"


def test_attachment_result_shape():
    attachment = ParsedAttachment("a.txt", "text/plain", 1, b"a")

    assert (attachment.content_id, attachment.inline, attachment.rejected, attachment.reason) == (
        "",
        False,
        False,
        "",
    )


PATHOLOGICAL = {
    "html nested 60,000 deep": b"Content-Type: text/html\n\n" + b"<div>x" * 60_000,
    "multiparts nested 2,000 deep": b"Content-Type: multipart/mixed; boundary=b0\n\n"
    + b"".join(
        b"--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n" % (i, i + 1) for i in range(2000)
    ),
    "30,000 interleaved quotes": b"Subject: x\n\n" + b"> question\nanswer\n" * 30_000,
    "200,000 spaces in To": b"To: " + b" " * 200_000 + b"x@y.example\n\nbody",
    "a 1 MB line of angle brackets": b"Subject: x\n\n" + b"<>" * 500_000 + b"\nwrote:\n",
}


@pytest.mark.parametrize("raw", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_input_stays_fast(raw):
    # each of these took minutes with a quadratic step somewhere (html5ever's scope checks,
    # the stdlib's nested generators, a backtracking pattern); the bound is generous on purpose
    started = time.process_time()

    parsed = parse_message(raw)

    assert time.process_time() - started < 10
    assert isinstance(parsed.text, str)
