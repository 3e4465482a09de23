"""Demo data of the support desk: agents' languages and shifts (follow the sun), mail domains
of the demo accounts, reply templates in three languages and market tones, an outsourced
team's thresholds, and tickets with real conversations made through the services, so their
SLA promises are in the ledger: history kept and broken, open ones on track, at risk and due.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.utils import timezone

from beachhead.core.demo import DemoContext
from beachhead.core.roles import Role

LANGUAGES_BY_MARKET = {
    "JP": ["ja", "en"],
    "KR": ["ko", "en"],
    "CN": ["zh-hans", "en"],
    "SG": ["en", "zh-hans"],
    "MY": ["en", "zh-hans"],
    "DE": ["de", "en"],
    "FR": ["fr", "en"],
    "BR": ["pt", "en"],
    "MX": ["es", "en"],
}

# (language, subject, first message, agent's answer)
CONVERSATIONS = [
    (
        "ja",
        "本番クラスタのノードが起動しません",
        "お世話になっております。\n本番環境のノード3台が再起動後に起動しなくなりました。"
        "ログを添付いたしますので、ご確認いただけますでしょうか。",
        "いつもお世話になっております。\nご不便をおかけし申し訳ございません。"
        "ログを確認し、本日17時までに調査結果をご報告いたします。",
    ),
    (
        "ja",
        "ライセンス更新の手続きについて",
        "来月のライセンス更新について、見積書の発行をお願いできますでしょうか。",
        "お問い合わせありがとうございます。見積書を作成し、明日中にお送りいたします。",
    ),
    (
        "ja",
        "バックアップの復元が途中で止まる",
        "バックアップからの復元が 40% で止まってしまいます。至急ご確認をお願いします。",
        "ご連絡ありがとうございます。復元ログの取得手順をお送りしますので、ご確認ください。",
    ),
    (
        "zh-hans",
        "升级到 8.2 版本后查询变慢",
        "您好，我们上周升级到 8.2 版本后，部分查询的响应时间从 200 毫秒增加到 3 秒。请协助排查。",
        "您好，感谢您的反馈。请提供慢查询的执行计划，我们会在今天内给出初步分析。",
    ),
    (
        "zh-hans",
        "发票抬头需要修改",
        "您好，上月发票的抬头写错了，请帮忙重新开具。",
        "您好，已为您重新开具发票，预计明天寄出。",
    ),
    (
        "en",
        "SSO login fails for new users",
        "Hi team,\nnew users provisioned through Okta get a 403 after the SAML redirect. "
        "Existing users are fine. Could you take a look?",
        "Thanks for the detailed report. We reproduced it and a fix is on the way; "
        "I will update you by tomorrow noon.",
    ),
    (
        "en",
        "Question about data residency in the EU region",
        "Can you confirm that backups of our EU cluster never leave the Frankfurt region?",
        "Yes: backups stay in the same region as the cluster. I attached our data-residency "
        "statement for your auditors.",
    ),
    (
        "en",
        "Urgent: replication lag above 10 minutes",
        "Our replica in us-east is more than 10 minutes behind the primary since 09:00.",
        "We are on it. The lag comes from a long-running migration; I will post an update "
        "every hour until it is back to normal.",
    ),
    (
        "de",
        "Fehlermeldung beim Export nach CSV",
        "Guten Tag,\nbeim Export großer Tabellen nach CSV erhalten wir einen Timeout-Fehler.",
        "Guten Tag,\nvielen Dank für Ihre Nachricht. Wir prüfen das und melden uns bis morgen.",
    ),
    (
        "ko",
        "대시보드 로딩이 느립니다",
        "안녕하세요. 대시보드가 30초 이상 로딩됩니다. 확인 부탁드립니다.",
        "안녕하세요. 불편을 드려 죄송합니다. 원인을 확인하고 있으며 곧 연락드리겠습니다.",
    ),
]

TEMPLATES = [
    (
        "acknowledge",
        "Acknowledge the request",
        [
            ("en", "", "friendly", "Hi {customer},\n\nthanks for reaching out — I'm on it "
             "and will get back to you shortly.\n\nBest,\n{agent}"),
            ("en", "", "formal", "Dear {customer},\n\nthank you for contacting {company} "
             "support. We have received your request {ticket} and are looking into it.\n\n"
             "Kind regards,\n{agent}"),
            ("ja", "", "formal", "{customer} 様\n\nいつもお世話になっております。{company} "
             "サポートの{agent}でございます。\nお問い合わせ（{ticket}）を承りました。"
             "確認のうえ、改めてご連絡いたします。\n\n何卒よろしくお願い申し上げます。"),
            ("zh-hans", "", "formal", "{customer} 您好：\n\n感谢您联系 {company} 技术支持。"
             "我们已收到您的请求 {ticket}，正在处理中，会尽快回复您。\n\n{agent}"),
            ("de", "", "formal", "Sehr geehrte/r {customer},\n\nvielen Dank für Ihre Anfrage "
             "{ticket}. Wir kümmern uns darum und melden uns in Kürze.\n\nMit freundlichen "
             "Grüßen\n{agent}"),
        ],
    ),
    (
        "need-logs",
        "Ask for logs",
        [
            ("en", "", "formal", "Dear {customer},\n\nto find the cause we need the server "
             "logs of the last 24 hours. Could you attach them to this ticket?\n\n{agent}"),
            ("ja", "", "formal", "{customer} 様\n\n原因調査のため、直近 24 時間のサーバーログを"
             "本チケットに添付いただけますでしょうか。\nお手数をおかけいたしますが、よろしく"
             "お願いいたします。\n\n{agent}"),
            ("zh-hans", "", "formal", "{customer} 您好：\n\n为了定位原因，请将最近 24 小时的"
             "服务器日志附在本工单中。\n\n谢谢！\n{agent}"),
        ],
    ),
    (
        "solved",
        "Confirm the solution",
        [
            ("en", "", "friendly", "Hi {customer},\n\nglad that's sorted! I'll mark {ticket} as "
             "solved — just reply if anything comes back.\n\n{agent}"),
            ("ja", "", "formal", "{customer} 様\n\nご確認いただきありがとうございます。本件"
             "（{ticket}）は解決として処理いたします。再発した場合は本メールにご返信ください。"
             "\n\n{agent}"),
            ("zh-hans", "", "formal", "{customer} 您好：\n\n问题已解决，我们将把工单 {ticket} "
             "标记为已解决。如有任何问题，请直接回复本邮件。\n\n{agent}"),
        ],
    ),
]  # fmt: skip


def _profiles_and_shifts() -> None:
    from beachhead.core.models import User
    from beachhead.support.models import AgentProfile, Shift

    for user in User.objects.filter(role=Role.SUPPORT_AGENT, is_active=True).order_by("pk"):
        code = (user.market_codes or ["US"])[0]
        languages = LANGUAGES_BY_MARKET.get(code, ["en"])
        if user.language not in languages:
            languages = [user.language, *languages]
        AgentProfile.objects.get_or_create(user=user, defaults={"languages": languages})
        if user.shifts.exists():
            continue
        for day in range(5):
            Shift.objects.create(user=user, weekday=day, start=dt.time(9, 0), end=dt.time(18, 0))


def _mail_domains() -> None:
    from beachhead.accounts.models import Account
    from beachhead.support.models import MailDomain

    rows = []
    seen = set(MailDomain.objects.values_list("domain", flat=True))
    for pk, website in Account.objects.exclude(website="").values_list("pk", "website"):
        host = (urlsplit(website).hostname or "").removeprefix("www.")
        if host and host not in seen:
            seen.add(host)
            rows.append(MailDomain(domain=host, account_id=pk))
    MailDomain.objects.bulk_create(rows, batch_size=500)


def _templates() -> None:
    from beachhead.support.models import ReplyTemplate, ReplyTemplateVariant

    for key, name, variants in TEMPLATES:
        template, _created = ReplyTemplate.objects.get_or_create(key=key, defaults={"name": name})
        for language, market, tone, body in variants:
            ReplyTemplateVariant.objects.get_or_create(
                template=template,
                language=language,
                market_code=market,
                tone=tone,
                defaults={"body": body},
            )


def _thresholds() -> None:
    from beachhead.core.models import Team
    from beachhead.support.models import TeamThreshold

    for team in Team.objects.filter(kind="outsourced"):
        TeamThreshold.objects.get_or_create(
            team=team, defaults={"max_breach_rate": 10, "min_satisfaction": 85}
        )


def create_support(ctx: DemoContext) -> None:
    from beachhead.accounts.models import Contact
    from beachhead.core.models import User
    from beachhead.support.models import Message

    _profiles_and_shifts()
    _mail_domains()
    _templates()
    _thresholds()
    contacts = list(
        Contact.objects.exclude(email="")
        .exclude(account=None)
        .select_related("account", "account__market")
        .order_by("pk")
    )
    if not contacts:
        return
    agents: dict[str, list[User | None]] = {}
    for user in User.objects.filter(role=Role.SUPPORT_AGENT, is_active=True).order_by("pk"):
        for code in user.market_codes or []:
            agents.setdefault(code, []).append(user)
    admin = User.objects.filter(role=Role.ADMIN).order_by("pk").first()
    rng = ctx.rng("support")
    now = timezone.now().replace(second=0, microsecond=0)
    total = min(400, max(40, ctx.accounts * 2))
    by_language: dict[str, list[tuple[str, ...]]] = {}
    for conversation in CONVERSATIONS:
        by_language.setdefault(conversation[0], []).append(conversation)
    for _i in ctx.progress(range(total), "Tickets", total):
        contact = contacts[rng.randrange(len(contacts))]
        ticket, at, historic, answer = _demo_ticket(rng, now, contact, by_language)
        ctx.count("tickets")
        if not historic and rng.random() < 0.6:
            continue  # still waiting for a first reply: on track, at risk or overdue
        agent = ticket.assignee or (agents.get(ticket.market.code) or [admin])[0]
        if agent is not None:
            _demo_answer(rng, now, ticket, agent, at, historic, answer)
    # Demo replies and surveys are history, not mail to send.
    Message.objects.filter(kind=Message.Kind.REPLY, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )


def _demo_ticket(rng, now: dt.datetime, contact, by_language: dict[str, list[tuple[str, ...]]]):
    """A ticket from ``contact`` in the language of its market, opened at a random time: a
    quarter of them recent. Returns the ticket, when it was opened, whether it is history,
    and the answer its conversation has ready."""
    from beachhead.support.services import tickets

    account = contact.account
    assert account is not None  # contacts of an account only
    language = (account.market.languages or ["en"])[0]
    pool = by_language.get(language) or by_language["en"]
    _lang, subject, body, answer = pool[rng.randrange(len(pool))]
    historic = rng.random() < 0.75
    minutes_ago = rng.randrange(600, 45 * 24 * 60) if historic else rng.randrange(5, 900)
    at = now - dt.timedelta(minutes=minutes_ago)
    roll = rng.random()
    priority = (
        "urgent" if roll < 0.08 else "high" if roll < 0.3 else "low" if roll > 0.9 else "normal"
    )
    ticket = tickets.do_create_ticket(
        subject=subject,
        body_text=body,
        account=account,
        requester=contact,
        priority=priority,
        channel=rng.choice(["email", "email", "email", "portal", "web_form", "phone"]),
        language=_lang,
        tags=rng.choice(["", "billing", "performance", "login", "backup", "upgrade"]),
        product_version=rng.choice(["8.1.2", "8.2.0", "8.2.1", "7.5.6"]),
        at=at,
    )
    return ticket, at, historic, answer


def _demo_answer(rng, now: dt.datetime, ticket, agent, at, historic: bool, answer: str) -> None:
    """The agent's first reply (most in time, some late); for history, then a status, perhaps
    closing, and half of the solved ones a survey answer."""
    from beachhead.support.models import Ticket
    from beachhead.support.services import tickets

    first = at + dt.timedelta(minutes=rng.choice([5, 12, 40, 90, 240, 600, 1500]))
    if first >= now:
        return
    status = rng.choice(["solved", "solved", "pending", "open", "closed"]) if historic else None
    tickets.do_reply(
        ticket, agent, answer, status=status if status != "closed" else "solved", at=first
    )
    if status == "closed":
        tickets.do_set_status(ticket, agent, "closed", at=first + dt.timedelta(days=3))
    if status in ("solved", "closed") and rng.random() < 0.5:
        survey = getattr(Ticket.objects.get(pk=ticket.pk), "survey", None)
        if survey is not None:
            tickets.do_answer_survey(survey.token, "good" if rng.random() < 0.88 else "bad")
