"""Quoted history folds away in the styles of the clients our customers use."""

from __future__ import annotations

import pytest

from beachhead.support.mail import split_quoted

CASES = {
    "english gmail, wrapped attribution": (
        "Thanks, it works.\n\n"
        "On Fri, Nov 20, 2026 at 5:55 PM Taro Yamada <\nyamada@example.jp> wrote:\n"
        "> Is the node back?\n",
        "Thanks, it works.",
    ),
    "english one line": (
        "Done.\n\nOn 20/11/2026 17:55, Support wrote:\n> Please restart.\n",
        "Done.",
    ),
    "outlook original message": (
        "See below.\n\n-----Original Message-----\nFrom: A\nSent: Friday\nTo: B\n\nold text",
        "See below.",
    ),
    "outlook header block with underscores": (
        "Thanks\n\n________________________________\nFrom: Support <s@x.com>\n"
        "Sent: Friday, November 20, 2026 5:55 PM\nTo: Bob\nSubject: RE: node\n\nold",
        "Thanks",
    ),
    "outlook web bold header block": (
        "Ok\n\n*From:* Support <s@x.com>\n*Sent:* Friday\n*To:* Bob\n\nold",
        "Ok",
    ),
    "german outlook": (
        "Danke\n\nVon: Support <s@x.com>\nGesendet: Freitag, 20. November 2026 17:55\n"
        "An: Max\nBetreff: AW: Knoten\n\nalt",
        "Danke",
    ),
    "german thunderbird": (
        "Danke\n\nAm 20.11.2026 um 17:55 schrieb Support <s@x.com>:\n> alt",
        "Danke",
    ),
    "chinese gmail 于 … 写道": (
        "好的，谢谢\n\n王伟 <wang@x.cn> 于2026年11月20日周五 17:55写道：\n> 请提供日志",
        "好的，谢谢",
    ),
    "chinese netease 在 … 写道 without quote marks": (
        '收到\n\n在 2026-11-20 17:55:12，"客服" <support@x.com> 写道：\n请提供日志。\n谢谢',
        "收到",
    ),
    "traditional chinese 寫道": (
        "收到\n\n在 2026/11/20 下午 05:55, Support <s@x.com> 寫道：\n> 請提供日誌",
        "收到",
    ),
    "qq mail 原始邮件": (
        "谢谢！\n\n------------------ 原始邮件 ------------------\n"
        '发件人: "客服"<support@x.com>;\n发送时间: 2026年11月20日(星期五) 下午5:55\n'
        '收件人: "王伟"<w@x.cn>;\n主题: Re: 节点故障\n\n您好',
        "谢谢！",
    ),
    "foxmail -----原始邮件-----": (
        "好\n\n-----原始邮件-----\n发件人: Support\n发送时间: 2026年11月20日 17:55\n\n旧",
        "好",
    ),
    "chinese outlook 发件人 block": (
        "好的\n\n发件人: Support <s@x.com>\n发送时间: 2026年11月20日 17:55\n收件人: 王伟\n"
        "主题: 回复: 节点\n\n旧",
        "好的",
    ),
    "traditional chinese outlook 寄件者 block": (
        "好的\n\n寄件者: Support <s@x.com>\n寄件日期: 2026年11月20日 下午 05:55\n"
        "收件者: 陳志明\n主旨: 回覆: 節點\n\n舊",
        "好的",
    ),
    "traditional chinese 發件人 block": (
        "好的\n\n發件人: Support <s@x.com>\n發送時間: 2026年11月20日\n\n舊",
        "好的",
    ),
    "japanese gmail date attribution": (
        "承知しました。\n\n2026年11月20日(金) 17:55 山田 太郎 <yamada@example.jp>:\n> ログを送ってください。",
        "承知しました。",
    ),
    "japanese gmail, wrapped": (
        "承知しました。\n\n2026年11月20日(金) 17:55 Beachhead Support <\nsupport@beachhead.example>:\n"
        "> ログを送ってください。",
        "承知しました。",
    ),
    "japanese thunderbird さんは書きました": (
        "了解です。\n\n2026/11/20 17:55 に Support さんは書きました:\n> 再起動してください。",
        "了解です。",
    ),
    "japanese english-style wrote": (
        "了解です。\n\nOn 2026/11/20 17:55, 山田 太郎 wrote:\n> 再起動してください。",
        "了解です。",
    ),
    "japanese outlook 差出人 block": (
        "了解です。\n\n差出人: サポート <support@x.com>\n送信日時: 2026年11月20日 17:55\n"
        "宛先: 山田 太郎\n件名: RE: ノード障害\n\nログを送ってください。",
        "了解です。",
    ),
    "korean gmail 작성": (
        "확인했습니다.\n\n2026년 11월 20일 (금) 오후 5:55, 지원팀 <support@x.com>님이 작성:\n> 로그를 보내 주세요.",
        "확인했습니다.",
    ),
    "korean outlook 보낸 사람 block": (
        "감사합니다.\n\n보낸 사람: 지원팀 <support@x.com>\n보낸 날짜: 2026-11-20 17:55\n"
        "받는 사람: 김민수\n제목: 노드 장애\n\n로그",
        "감사합니다.",
    ),
    "korean 원본 메시지": (
        "감사합니다.\n\n-----원본 메시지-----\n보낸사람: 지원팀\n\n로그",
        "감사합니다.",
    ),
    "english original message in korean mail": (
        "감사합니다.\n\n-----Original Message-----\nFrom: 지원팀\nSent: 2026-11-20\n\n로그",
        "감사합니다.",
    ),
    "bottom posting keeps the answer": (
        "On Fri, Nov 20, 2026 at 5:55 PM Support <s@x.com> wrote:\n> Did it work?\n\n"
        "Yes, thank you.\n-- \nTaro",
        "Yes, thank you.\n-- \nTaro",
    ),
    "trailing quote before a signature keeps the signature": (
        "Reply here.\n\n> old\n> older\n\n-- \nBob",
        "Reply here.\n\n-- \nBob",
    ),
}


@pytest.mark.parametrize(("text", "visible"), CASES.values(), ids=CASES.keys())
def test_client_styles(text, visible):
    shown, folded = split_quoted(text)

    assert shown == visible
    assert folded
    assert shown.strip()
    assert folded.strip()


def test_signature_before_the_history_stays_visible():
    text = "Fixed, thanks.\n\n-- \nEmily Carter\nNorthwind\n\nOn Fri, 20 Nov 2026, S <s@x.com> wrote:\n> ok?"

    visible, quoted = split_quoted(text)

    assert visible == "Fixed, thanks.\n\n-- \nEmily Carter\nNorthwind"
    assert quoted.startswith("On Fri")


def test_inline_answers_keep_their_questions():
    text = "> Is the node up?\nYes.\n> Which version?\n3.2.1\n\n> Anything else?\n> Thanks"

    visible, quoted = split_quoted(text)

    assert visible == "> Is the node up?\nYes.\n> Which version?\n3.2.1"
    assert quoted == "> Anything else?\n> Thanks"


def test_a_lone_quote_at_the_top_is_bottom_posting():
    assert split_quoted("> old question\n\nMy answer.") == ("My answer.", "> old question")


def test_whole_message_quoted_stays_visible():
    text = "> everything\n> is quoted"

    assert split_quoted(text) == (text, "")


def test_whole_message_is_an_outlook_block_stays_visible():
    text = "-----Original Message-----\nFrom: A\nSent: B\n\nold"

    assert split_quoted(text) == (text, "")


def test_forwarded_message_is_not_history():
    text = (
        "Please see the alarm below.\n\n---------- Forwarded message ---------\n"
        "From: Monitor <m@x.com>\nDate: Fri, 20 Nov 2026\nSubject: Alarm\nTo: ops\n\nNode down"
    )

    assert split_quoted(text) == (text, "")


@pytest.mark.parametrize(
    "text",
    [
        "Plain text without any history.",
        "Our log wrote: nothing useful.",
        "As the manual says:\nrestart the node.",
        "2026年11月20日の障害について：\nノードが停止しました。",
        "From: the monitoring team\nWe saw the alarm too.",
        "보고서 작성:\n오늘 오후에 장애가 발생했습니다.",
        "",
    ],
)
def test_text_without_history_stays_whole(text):
    assert split_quoted(text) == (text, "")
