"""Demo data of the support desk: agents' languages and shifts (follow the sun), mail domains
of the demo accounts, reply templates in three languages and market tones, an outsourced
team's thresholds, and tickets with real conversations made through the services, so their
SLA promises are in the ledger as history: first replies, updates and resolutions kept on
time, kept late or broken when they happened, and what is still open due after the demo's
``now``.

The flagship is the 15-minute promise: strategic customers' urgent incidents around the clock
over the last year (a few a week, in every flagship market, at any hour), answered by the
follow-the-sun desk on shift (or the market's agent on call), most within 15 minutes.

The texts are what customers and agents wrote (user data, in the conversation's language).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from auditlog.context import disable_auditlog
from django.db.models import F

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

#: The templates' titles as Chinese and Japanese readers see them (``core.localise``).
TEMPLATE_NAMES = {
    "acknowledge": {"zh-hans": "确认已收到请求", "ja": "受付の確認"},
    "need-logs": {"zh-hans": "请求提供日志", "ja": "ログの依頼"},
    "solved": {"zh-hans": "确认问题已解决", "ja": "解決の確認"},
}

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
        template, _created = ReplyTemplate.objects.get_or_create(
            key=key, defaults={"name": name, "names": TEMPLATE_NAMES.get(key, {})}
        )
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


#: (language, subject, what the customer wrote, first answer, an update, the resolution)
INCIDENTS = [
    (
        "en",
        "Production down: every query times out",
        "Since a few minutes ago every query against our production cluster times out and our "
        "checkout is down. Please help urgently.",
        "I'm on it. The coordinator node is restarting in a loop; I'm joining your bridge now "
        "and will update you every 30 minutes.",
        "Update: we isolated the failing node and traffic flows again through the other "
        "coordinators. We are checking data consistency before we close this.",
        "Resolved: the cluster is healthy, every query succeeds and no data was lost. The "
        "root-cause report follows within two business days.",
    ),
    (
        "en",
        "URGENT: replication stopped, primary disk at 95%",
        "Replication to our DR site stopped an hour ago and the primary's disk is at 95%. We "
        "need help before it fills up.",
        "Thanks for calling this in. The WAL archive is blocked by a full bucket quota; I'm "
        "sending you the exact steps in a few minutes.",
        "Update: the archive is flowing again after the quota change and disk use is falling "
        "(81% now). Replication is catching up.",
        "Resolved: replication is back in sync and disk use is at 62%. We added an alert on the "
        "archive quota for you.",
    ),
    (
        "ja",
        "【緊急】本番環境で全クエリがタイムアウトしています",
        "お世話になっております。\n本番クラスタへのすべてのクエリがタイムアウトしており、"
        "サービスが停止しています。至急ご対応をお願いいたします。",
        "ご連絡ありがとうございます。ただいま調査を開始しました。コーディネーターノードが"
        "再起動を繰り返していることを確認しております。30分ごとに状況をご報告いたします。",
        "続報です。問題のノードを切り離し、残りのノードで処理が再開されました。"
        "現在、データの整合性を確認しております。",
        "復旧のご報告です。クラスタは正常に稼働しており、データの欠損もございません。"
        "原因の詳細は2営業日以内にご報告いたします。",
    ),
    (
        "zh-hans",
        "紧急：生产集群所有查询超时",
        "您好，从刚才开始，我们生产集群上的所有查询都超时了，线上业务已经中断，请尽快协助处理。",
        "您好，已收到，我们正在排查。目前看到协调节点在反复重启，我们会每 30 分钟向您同步一次进展。",
        "进展更新：故障节点已隔离，流量已经通过其余节点恢复，我们正在核对数据一致性。",
        "已恢复：集群运行正常，所有查询均成功，没有数据丢失。根因分析报告将在两个工作日内提供。",
    ),
    (
        "de",
        "Dringend: Produktionscluster antwortet nicht mehr",
        "Guten Tag,\nseit wenigen Minuten laufen alle Abfragen auf unserem Produktionscluster in "
        "einen Timeout. Unser Onlineshop ist nicht erreichbar. Bitte melden Sie sich umgehend.",
        "Guten Tag,\nwir sind dran. Ein Koordinatorknoten startet in einer Schleife neu; ich "
        "melde mich alle 30 Minuten mit dem aktuellen Stand.",
        "Zwischenstand: Der fehlerhafte Knoten ist isoliert, die Abfragen laufen über die "
        "übrigen Knoten wieder. Wir prüfen jetzt die Datenkonsistenz.",
        "Behoben: Der Cluster läuft stabil, alle Abfragen sind erfolgreich und es gingen keine "
        "Daten verloren. Die Ursachenanalyse folgt innerhalb von zwei Werktagen.",
    ),
    (
        "pt",
        "Urgente: cluster de produção fora do ar",
        "Olá,\nhá alguns minutos todas as consultas no nosso cluster de produção estão expirando "
        "e o nosso aplicativo está fora do ar. Precisamos de ajuda imediata.",
        "Olá,\njá estamos investigando. Um nó coordenador está reiniciando em loop; vou "
        "atualizar vocês a cada 30 minutos.",
        "Atualização: isolamos o nó com falha e as consultas voltaram a funcionar pelos outros "
        "nós. Estamos verificando a consistência dos dados.",
        "Resolvido: o cluster está estável, todas as consultas funcionam e nenhum dado foi "
        "perdido. O relatório de causa raiz segue em até dois dias úteis.",
    ),
]

#: The rest of a conversation, by language: the agent solving it, the customer asking one more
#: thing, and the agent's answer.
FOLLOW_UPS = {
    "en": (
        "Glad this is sorted — I'm marking the ticket as solved. Just reply if anything comes "
        "back.",
        "Thanks! One more question: does this also apply to our staging cluster?",
        "Yes, the same steps apply to staging; I would do it there first.",
    ),
    "ja": (
        "ご確認ありがとうございます。本件は解決として処理いたします。再発した場合はご返信ください。",
        "ありがとうございます。もう一点、ステージング環境にも同じ対応が必要でしょうか。",
        "はい、ステージング環境でも同じ手順で対応いただけます。先にステージングでお試しいただくことを"
        "お勧めいたします。",
    ),
    "zh-hans": (
        "问题已解决，我们将把工单标记为已解决。如有任何问题，请直接回复。",
        "谢谢！还有一个问题：测试环境也需要同样处理吗？",
        "是的，测试环境同样适用，建议先在测试环境操作。",
    ),
    "de": (
        "Freut mich, dass es jetzt funktioniert. Ich schließe das Ticket; antworten Sie einfach, "
        "falls noch etwas ist.",
        "Danke! Noch eine Frage: Gilt das auch für unseren Staging-Cluster?",
        "Ja, für Staging gelten dieselben Schritte – am besten dort zuerst.",
    ),
    "ko": (
        "확인 감사합니다. 본 건은 해결로 처리하겠습니다. 문제가 다시 생기면 회신해 주세요.",
        "감사합니다. 스테이징 환경에도 동일하게 적용해야 하나요?",
        "네, 스테이징 환경에도 같은 절차가 적용됩니다. 먼저 스테이징에서 진행하시길 권합니다.",
    ),
}

#: Incidents a year, per account of the demo (at least INCIDENTS_MIN, at most INCIDENTS_MAX:
#: a few a week).
INCIDENTS_PER_ACCOUNT = 0.75
INCIDENTS_MIN, INCIDENTS_MAX = 12, 156
#: Share of the flagship's first replies sent within its 15 minutes.
INCIDENT_ON_TIME = 0.88
#: Regular tickets look back this far; what is older is settled.
HISTORY_DAYS = 90


def _text_language(language: str, available) -> str:
    """The key of ``available`` for a contact's language ("zh-Hans" → "zh-hans", "pt-BR" →
    "pt"), else English."""
    code = (language or "en").lower()
    if code in available:
        return code
    return code.split("-")[0] if code.split("-")[0] in available else "en"


class Desk:
    """Who answers: the assignee (routing chose someone on shift), else an agent covering the
    market (on call) who speaks the ticket's language, else anyone covering it, else the
    market's regional manager, else an admin."""

    def __init__(self, rng, since: dict[int, dt.datetime]) -> None:
        from beachhead.core.models import User
        from beachhead.support.models import AgentProfile

        self.rng = rng
        #: Since when each contact may write (known, and their account running something).
        self.since = since
        spoken = dict(AgentProfile.objects.values_list("user_id", "languages"))
        self.by_market: dict[str, list[tuple[User, set[str]]]] = {}
        self.managers: dict[str, User] = {}
        for user in User.objects.filter(role=Role.SUPPORT_AGENT, is_active=True).order_by("pk"):
            languages = {code.lower().split("-")[0] for code in spoken.get(user.pk) or []}
            for code in user.market_codes or []:
                self.by_market.setdefault(code, []).append((user, languages))
        for manager in User.objects.filter(role=Role.REGIONAL_MANAGER).order_by("pk"):
            for code in manager.market_codes or []:
                self.managers.setdefault(code, manager)
        self.admin = User.objects.filter(role=Role.ADMIN).order_by("pk").first()

    def responder(self, ticket):
        if ticket.assignee is not None:
            return ticket.assignee
        agents = self.by_market.get(ticket.market.code) or []
        base = (ticket.language or "en").lower().split("-")[0]
        speakers = [user for user, languages in agents if base in languages]
        pool = speakers or [user for user, _languages in agents]
        if pool:
            return self.rng.choice(pool)
        return self.managers.get(ticket.market.code) or self.admin


def create_support(ctx: DemoContext) -> None:
    from beachhead.accounts.models import Contact
    from beachhead.support.models import Message, Survey

    _profiles_and_shifts()
    _mail_domains()
    _templates()
    _thresholds()
    contacts = list(
        Contact.objects.exclude(email="")
        .filter(account__lifecycle__in=["customer", "pilot"])
        .select_related("account", "account__market")
        .order_by("pk")
    )
    running = _running_since()
    if not contacts or not running:
        return
    # A customer writes about what they run: not before their first deployment.
    contacts = [c for c in contacts if c.account_id in running]
    since = {c.pk: max(c.created_at, running[c.account_id or 0]) for c in contacts}
    desk = Desk(ctx.rng("support desk"), since)
    # History is not an edit made today: the audit log stays for what people change.
    with disable_auditlog():
        _regular_tickets(ctx, contacts, desk)
        _incidents(ctx, contacts, desk)
    # Demo replies and surveys are history: they went out when they were written.
    Message.objects.filter(kind=Message.Kind.REPLY, sent_at__isnull=True).update(
        sent_at=F("created_at")
    )
    Survey.objects.filter(emailed_at__isnull=True).update(emailed_at=F("sent_at"))


def _running_since() -> dict[int, dt.datetime]:
    """When each account's first deployment started (production or not)."""
    from django.db.models import Min

    from beachhead.accounts.models import DeploymentEvent

    rows = DeploymentEvent.objects.values_list("account_id").annotate(first=Min("at"))
    return dict(rows.order_by())


# --- Everyday tickets -------------------------------------------------------------------------


def _regular_tickets(ctx: DemoContext, contacts: list, desk: Desk) -> None:
    """Tickets of the last months from customers and pilots, in their language: most answered
    and solved, some waiting on the customer, a few still waiting for their first reply (due
    after ``now``)."""
    rng = ctx.rng("support")
    total = min(400, max(40, ctx.accounts * 2))
    by_language: dict[str, list[tuple[str, ...]]] = {}
    for conversation in CONVERSATIONS:
        by_language.setdefault(conversation[0], []).append(conversation)
    for _i in ctx.progress(range(total), "Tickets", total):
        contact = contacts[rng.randrange(len(contacts))]
        waiting = rng.random() < 0.08
        ticket, conversation = _regular_ticket(
            rng, ctx.now, contact, desk.since[contact.pk], by_language, waiting
        )
        ctx.count("tickets")
        if not waiting:
            _regular_story(rng, ctx.now, ticket, desk.responder(ticket), conversation)


def _priority(rng, account) -> str:
    roll = rng.random()
    priority = (
        "urgent" if roll < 0.05 else "high" if roll < 0.27 else "low" if roll > 0.87 else "normal"
    )
    if priority == "urgent" and account.tier == "strategic":
        return "high"  # strategic accounts' urgent incidents are the flagship's own story
    return priority


def _first_reply_minutes(account, priority: str) -> int:
    """The first-reply target a new ticket of ``account`` would get (its SLA policy)."""
    from beachhead.support.models import Ticket
    from beachhead.support.services import sla

    policy = sla.policy_for(Ticket(account=account, market=account.market, priority=priority))
    return (policy.first_reply_minutes if policy else None) or 480


def _regular_ticket(rng, now: dt.datetime, contact, since, by_language, waiting: bool):
    """A ticket from ``contact``: opened in the last months (after the contact was known), or,
    when still ``waiting`` for its first reply, recently enough that the reply is not due yet."""
    from beachhead.support.services import tickets

    account = contact.account
    language = _text_language(contact.language or account.market.languages[0], by_language)
    conversation = by_language[language][rng.randrange(len(by_language[language]))]
    priority = _priority(rng, account)
    if waiting:
        # Business time never runs faster than the clock: younger than the target, not due.
        target = _first_reply_minutes(account, priority)
        at = max(since, now - dt.timedelta(minutes=target * rng.uniform(0.05, 0.7)))
    else:
        earliest = max(since, now - dt.timedelta(days=HISTORY_DAYS))
        at = earliest + (now - earliest) * rng.uniform(0.0, 0.995)
    at = at.replace(second=0, microsecond=0)
    ticket = tickets.do_create_ticket(
        subject=conversation[1],
        body_text=conversation[2],
        account=account,
        requester=contact,
        priority=priority,
        channel=rng.choice(["email", "email", "email", "portal", "web_form", "phone"]),
        language=conversation[0],
        tags=rng.choice(["", "billing", "performance", "login", "backup", "upgrade"]),
        product_version=rng.choice(["8.1.2", "8.2.0", "8.2.1", "7.5.6"]),
        at=at,
    )
    return ticket, conversation


def _regular_story(rng, now: dt.datetime, ticket, agent, conversation) -> None:
    """What happened to a ticket after it was opened, all before ``now``: the first reply
    (most within the target), perhaps a question more and its answer, then solved (and
    closed, and rated) or still open or pending on the customer."""
    from beachhead.support.services import tickets

    opened = ticket.created_at
    # A database without SLA policies (a test that flushed the seeded ones) gets eight hours.
    policy = ticket.sla_policy
    target = dt.timedelta(minutes=(policy.first_reply_minutes if policy else None) or 480)
    delay = target * (rng.uniform(0.05, 0.85) if rng.random() < 0.86 else rng.uniform(1.1, 3))
    first = opened + delay
    if first >= now:
        first = opened + (now - opened) * rng.uniform(0.3, 0.9)
    settled = now - opened > dt.timedelta(days=10)
    status = rng.choice(["solved"] * 7 + ["closed"] * 2 + ["open"] if settled else
                        ["solved"] * 4 + ["pending"] * 3 + ["open"] * 3)  # fmt: skip
    first = first.replace(microsecond=0)
    if status == "pending":
        tickets.do_reply(ticket, agent, conversation[3], status="pending", at=first)
        return
    tickets.do_reply(ticket, agent, conversation[3], at=first)
    last = _another_question(rng, now, ticket, agent, first)
    if status in ("solved", "closed"):
        _solve(rng, now, ticket, agent, last, closed=status == "closed")


def _another_question(rng, now: dt.datetime, ticket, agent, after: dt.datetime) -> dt.datetime:
    """A quarter of the customers ask one more thing, and the agent answers (the next-reply
    promise). Returns when the conversation last moved."""
    from beachhead.support.services import tickets

    asked = after + dt.timedelta(hours=rng.uniform(1, 30))
    answered = asked + dt.timedelta(minutes=rng.uniform(20, 900))
    if rng.random() >= 0.25 or answered >= now:
        return after
    texts = FOLLOW_UPS[_text_language(ticket.language, FOLLOW_UPS)]
    tickets.do_add_customer_message(
        ticket, text=texts[1], contact=ticket.requester, at=asked.replace(microsecond=0)
    )
    tickets.do_reply(ticket, agent, texts[2], at=answered.replace(microsecond=0))
    return answered


def _solve(rng, now: dt.datetime, ticket, agent, after: dt.datetime, closed: bool) -> None:
    """Solved some hours or days after ``after`` (if that is still before ``now``), closed a
    few days later, and rated by half of the customers."""
    from beachhead.support.services import tickets

    solved = (after + dt.timedelta(hours=rng.uniform(0.5, 96))).replace(microsecond=0)
    if solved >= now:
        return
    texts = FOLLOW_UPS[_text_language(ticket.language, FOLLOW_UPS)]
    tickets.do_reply(ticket, agent, texts[0], status="solved", at=solved)
    _rate(rng, now, ticket, solved)
    if closed and solved + dt.timedelta(days=7) < now:
        tickets.do_set_status(
            ticket, agent, "closed", at=solved + dt.timedelta(days=rng.uniform(3, 7))
        )


def _rate(rng, now: dt.datetime, ticket, solved: dt.datetime) -> None:
    from beachhead.support.models import Survey
    from beachhead.support.services import tickets

    answered = solved + dt.timedelta(hours=rng.uniform(1, 48))
    if rng.random() >= 0.5 or answered >= now:
        return
    token = Survey.objects.filter(ticket=ticket).values_list("token", flat=True).first()
    if token:
        rating = "good" if rng.random() < 0.88 else "bad"
        tickets.do_answer_survey(token, rating, at=answered)


# --- The flagship: strategic customers' urgent incidents ------------------------------------


def _incidents(ctx: DemoContext, contacts: list, desk: Desk) -> None:
    """Strategic customers' urgent incidents over the last year, at any hour: the 15-minute
    first-reply promise of their SLA policy, answered by whoever is on the follow-the-sun desk
    (or on call for the market), then updates until it is solved."""
    rng = ctx.rng("incidents")
    strategic: dict[int, list] = {}
    for contact in contacts:
        account = contact.account
        if account.tier == "strategic" and account.lifecycle == "customer":
            strategic.setdefault(account.pk, []).append(contact)
    if not strategic:
        return
    accounts = sorted(strategic)
    total = min(INCIDENTS_MAX, max(INCIDENTS_MIN, round(ctx.accounts * INCIDENTS_PER_ACCOUNT)))
    for _i in ctx.progress(range(total), "Incidents", total):
        people = strategic[accounts[rng.randrange(len(accounts))]]
        contact = people[rng.randrange(len(people))]
        earliest = max(desk.since[contact.pk], ctx.now - dt.timedelta(days=365))
        at = earliest + (ctx.now - earliest - dt.timedelta(hours=8)) * rng.random()
        if at <= earliest:
            continue
        ticket, incident = _incident(rng, at.replace(second=0, microsecond=0), contact)
        ctx.count("incidents")
        _incident_story(rng, ticket, desk.responder(ticket), incident)


def _incident(rng, at: dt.datetime, contact):
    """The ticket: in the customer's language during its office hours, in English (their
    on-call engineers') at night and at weekends, so the desk on shift can take it."""
    from zoneinfo import ZoneInfo

    from beachhead.support.services import tickets

    account = contact.account
    local = at.astimezone(ZoneInfo(account.market.timezone))
    office = local.weekday() < 5 and 9 <= local.hour < 18
    by_language: dict[str, list[tuple[str, ...]]] = {}
    for incident in INCIDENTS:
        by_language.setdefault(incident[0], []).append(incident)
    language = _text_language(contact.language, by_language) if office else "en"
    incident = by_language[language][rng.randrange(len(by_language[language]))]
    ticket = tickets.do_create_ticket(
        subject=incident[1],
        body_text=incident[2],
        account=account,
        requester=contact,
        priority="urgent",
        channel=rng.choice(["phone", "email", "portal"]),
        language=incident[0],
        tags="incident",
        product_version=rng.choice(["8.1.2", "8.2.0", "8.2.1"]),
        at=at,
    )
    return ticket, incident


def _incident_story(rng, ticket, agent, incident) -> None:
    """The first reply (most within 15 minutes), an update every half hour or so, solved
    within a few hours."""
    from beachhead.support.services import tickets

    opened = ticket.created_at
    minutes = rng.uniform(2, 14) if rng.random() < INCIDENT_ON_TIME else rng.uniform(16, 50)
    at = opened + dt.timedelta(minutes=minutes)
    tickets.do_reply(ticket, agent, incident[3], at=at.replace(microsecond=0))
    solved = at + dt.timedelta(minutes=rng.uniform(20, 120))
    while (solved - at) > dt.timedelta(minutes=60):
        at += dt.timedelta(minutes=rng.uniform(30, 58))
        tickets.do_reply(ticket, agent, incident[4], at=at.replace(microsecond=0))
    tickets.do_reply(ticket, agent, incident[5], status="solved", at=solved.replace(microsecond=0))
