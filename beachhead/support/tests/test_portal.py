"""The customer's side: the public web form (spam guards, the answer-by time), the portal's
one-time e-mail links, what a contact may see, replies and new requests, and the survey."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from freezegun import freeze_time

from beachhead.accounts.models import Contact
from beachhead.support.models import Channel, Message, PortalToken, Status, Survey, Ticket
from beachhead.support.services import portal as rules
from beachhead.support.services import tickets

pytestmark = pytest.mark.django_db

WEB_FORM = "/support/help/"
SENT = "/support/help/sent/"
PORTAL = "/support/portal/"


def _ja(text: str) -> str:
    """What a Japanese-speaking contact reads (the portal speaks the contact's language)."""
    with translation.override("ja"):
        translated = gettext(text)
    assert translated != text, f"“{text}” has no Japanese translation"
    return translated


def _form(**overrides):
    data = {
        "name": "Li Wei",
        "email": "li.wei@example.com",
        "company": "Example Trading Ltd.",
        "subject": "Cannot export the monthly report",
        "description": "The export button spins forever since this morning.",
        "priority": "normal",
        "language": "ja",
        "stamp": rules.form_stamp(time.time() - 10),
        "tz": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def yamada(customer):
    return Contact.objects.get(email="yamada@yamato-seiki.co.jp")


@pytest.fixture
def colleague(customer):
    return Contact.objects.create(
        account=customer, full_name="佐藤 花子", email="sato@yamato-seiki.co.jp", language="ja"
    )


@pytest.fixture
def stranger(growth_customer):
    return Contact.objects.create(
        account=growth_customer, full_name="鈴木 一郎", email="suzuki@chiisana.jp", language="ja"
    )


@pytest.fixture
def agent(make_agent, tokyo_team):
    return make_agent("aiko", ["JP"], "Asia/Tokyo", ["ja", "en"], team=tokyo_team)


def _ticket(contact, subject="ライセンスの更新", text="更新の手続きを教えてください。", **kw):
    return tickets.do_create_ticket(
        subject=subject,
        body_text=text,
        channel="email",
        requester=contact,
        account=contact.account,
        **kw,
    )


def _sign_in(client, contact):
    raw = rules.issue_token(contact)
    response = client.post(reverse("support:portal_sign_in", args=[raw]))
    assert response.status_code == 302
    assert response["Location"] == PORTAL
    return raw


# --- The web form ------------------------------------------------------------------------------


def test_web_form_creates_a_ticket_and_says_by_when_we_answer(client, markets, tokyo_team):
    page = client.get(WEB_FORM)
    assert page.status_code == 200
    assert b'name="website_url"' in page.content  # the honeypot is there, hidden
    assert b'<option value="high"' in page.content
    assert b'value="urgent"' not in page.content  # urgent only for contract customers

    response = client.post(WEB_FORM, _form())
    assert response.status_code == 302
    assert response["Location"] == SENT
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.WEB_FORM
    assert ticket.language == "ja"
    assert ticket.market.code == "JP"
    assert ticket.requester.email == "li.wei@example.com"
    assert ticket.requester.full_name == "Li Wei"
    assert ticket.requester.account is None
    first = ticket.messages.get()
    assert first.body_text.startswith("The export button")
    assert "Example Trading Ltd." in first.notes  # for the agent; never attaches an account

    sent = client.get(SENT)
    assert sent.status_code == 200
    body = sent.content.decode()
    assert f"#{ticket.pk}" in body
    due = rules.first_reply_due(ticket)
    assert due is not None
    with translation.override("en"):
        shown = rules.local_time(due, "Asia/Tokyo")
    assert shown.text in body
    assert "Tokyo time" in body
    assert "We will answer by" in body
    assert str(ticket.pk) not in SENT  # the reference lives in the session only


def test_web_form_due_time_in_the_browsers_zone(client, markets):
    client.post(WEB_FORM, _form(language="en", tz="Europe/Berlin"))
    body = client.get(SENT).content.decode()
    assert "Berlin time" in body
    client.post(WEB_FORM, _form(language="en", tz="Not/AZone", email="x@example.com"))
    # An unknown zone from the browser falls back to the market's (English → the default US).
    assert "New York time" in client.get(SENT).content.decode()


def test_sent_page_without_a_request_goes_back_to_the_form(client):
    assert client.get(SENT)["Location"] == WEB_FORM


def test_honeypot_filled_creates_nothing(client, markets):
    response = client.post(WEB_FORM, _form(website_url="http://spam.example"))
    assert response.status_code == 200
    assert not Ticket.objects.exists()


def test_a_form_sent_too_fast_or_too_late_is_refused(client, markets):
    # Sent the instant it was shown: the clock stands still, however slow the machine is.
    shown = time.time()
    with freeze_time(datetime.fromtimestamp(shown, UTC)):
        response = client.post(WEB_FORM, _form(stamp=rules.form_stamp(shown)))
    assert response.status_code == 200
    assert b"faster than we expected" in response.content
    response = client.post(WEB_FORM, _form(stamp=rules.form_stamp(time.time() - 3 * 3600)))
    assert b"more than two hours" in response.content
    response = client.post(WEB_FORM, _form(stamp="forged"))
    assert b"could not be checked" in response.content
    assert not Ticket.objects.exists()
    # The form shown again keeps what was typed.
    assert b"Cannot export the monthly report" in response.content


def test_form_stamp_bounds(db):
    now = time.time()
    rules.check_form_stamp(rules.form_stamp(now - 3), now=now)
    rules.check_form_stamp(rules.form_stamp(now - 7199), now=now)
    for shown in (now - 2.9, now - 7201):
        with pytest.raises(ValidationError):
            rules.check_form_stamp(rules.form_stamp(shown), now=now)


def test_web_form_rate_limit_per_ip(client, markets):
    for i in range(5):
        response = client.post(WEB_FORM, _form(email=f"p{i}@example.com"))
        assert response.status_code == 302
    response = client.post(WEB_FORM, _form(email="p6@example.com"))
    assert response.status_code == 429
    assert b"Please wait a few minutes" in response.content
    assert response["Retry-After"]
    assert Ticket.objects.count() == 5
    # Another client is not affected.
    other = client.post(WEB_FORM, _form(email="q@example.com"), REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302


def _each_request_in_a_new_process(monkeypatch):
    """Before every request, the portal rules get an empty per-process cache (as when each
    request lands on another web process with LocMemCache): a limit kept in process memory
    would start from zero every time."""
    from django.core.cache.backends.locmem import LocMemCache

    counter = iter(range(1000))

    def fresh(*args, **kwargs):
        monkeypatch.setattr(
            rules, "cache", LocMemCache(f"process-{next(counter)}", {}), raising=False
        )

    return fresh


def test_the_web_form_limit_holds_across_processes(client, markets, monkeypatch):
    new_process = _each_request_in_a_new_process(monkeypatch)
    statuses = []
    for i in range(7):
        new_process()
        statuses.append(client.post(WEB_FORM, _form(email=f"p{i}@example.com")).status_code)
    assert statuses == [302] * 5 + [429, 429]
    assert Ticket.objects.count() == 5


def test_the_web_form_limit_is_read_from_settings(client, markets, settings):
    settings.BEACHHEAD_WEB_FORM_RATE = "2/h"
    assert [client.post(WEB_FORM, _form()).status_code for _ in range(3)] == [302, 302, 429]
    response = client.post(WEB_FORM, _form())
    assert 3500 < int(response["Retry-After"]) <= 3600


def test_a_form_stamp_works_once(client, markets):
    # given: a form sent once
    data = _form()
    assert client.post(WEB_FORM, data).status_code == 302

    # when: the same POST again (a replay, or a bot reusing one stamp)
    replay = client.post(WEB_FORM, {**data, "subject": "Something else"})

    # then: refused, the form shown again with a fresh stamp, and one ticket only
    assert replay.status_code == 200
    assert b"This form has already been sent" in replay.content
    assert Ticket.objects.count() == 1
    fresh = re.search(rb'name="stamp" value="([^"]+)"', replay.content).group(1).decode()
    assert fresh != data["stamp"]
    assert (
        client.post(WEB_FORM, {**data, "stamp": rules.form_stamp(time.time() - 10)}).status_code
        == 302
    )
    assert _ja("This form has already been sent. Please check your request and send it again.")


def test_a_stamp_is_claimed_only_when_it_is_otherwise_valid():
    now = time.time()
    stamp = rules.form_stamp(now)
    with pytest.raises(ValidationError) as early:
        rules.check_form_stamp(stamp, now=now + 1)  # too fast: not used up
    assert early.value.code == "too_fast"
    rules.check_form_stamp(stamp, now=now + 5)
    with pytest.raises(ValidationError) as again:
        rules.check_form_stamp(stamp, now=now + 6)
    assert again.value.code == "used"
    # An old-style stamp (a bare time, no nonce) is not accepted.
    from django.core import signing

    old = signing.dumps(now - 10, salt=rules.FORM_SALT)
    with pytest.raises(ValidationError) as legacy:
        rules.check_form_stamp(old, now=now)
    assert legacy.value.code == "invalid"


def test_web_form_bad_input_gets_clear_errors(client, markets):
    response = client.post(WEB_FORM, _form(email="not-an-address"))
    assert response.status_code == 200
    assert b"Enter a valid email address." in response.content
    response = client.post(WEB_FORM, _form(name="  ", subject="", description=""))
    assert response.status_code == 200
    assert response.content.count(b"This field is required.") >= 2
    response = client.post(WEB_FORM, _form(priority="urgent"))
    assert b"Select a valid choice." in response.content
    response = client.post(WEB_FORM, _form(description="x" * 20_001))
    assert b"at most 20000 characters" in response.content
    huge = client.post(WEB_FORM, _form(description="x" * (10 * 1024 * 1024)))
    assert huge.status_code == 413
    assert b"too large for this form" in huge.content
    assert not Ticket.objects.exists()


# --- Portal sign-in ----------------------------------------------------------------------------


def test_a_known_contact_gets_one_link_in_their_language(client, yamada):
    response = client.post(PORTAL, {"email": "Yamada@Yamato-Seiki.co.jp"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["yamada@yamato-seiki.co.jp"]
    html = message.alternatives[0][0]
    assert '<html lang="ja">' in html
    assert "山田 太郎" in message.body
    url = re.search(r"http\S+/support/portal/sign-in/(\S+)/", message.body)
    assert url
    token = PortalToken.objects.get()
    assert token.contact == yamada
    assert token.token_hash == rules.hash_token(url.group(1))  # only the hash is stored
    assert token.expires_at - token.created_at == timedelta(minutes=30)
    known = client.get(PORTAL).content.decode()
    assert "a sign-in link is on its way" in known


def test_an_unknown_address_gets_no_mail_and_the_same_answer(client, yamada):
    client.post(PORTAL, {"email": "yamada@yamato-seiki.co.jp"})
    known = client.get(PORTAL).content.decode()
    other = client.__class__()
    response = other.post(PORTAL, {"email": "nobody@yamato-seiki.co.jp"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1  # only the first
    unknown = other.get(PORTAL).content.decode()
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|\S+@yamato-seiki\.co\.jp')
    assert strip.sub("", known) == strip.sub("", unknown)


def test_link_requests_are_rate_limited(client, yamada):
    for _ in range(5):
        assert client.post(PORTAL, {"email": yamada.email}).status_code == 302
    assert len(mail.outbox) == 3  # per address: 3 in 15 minutes, then silently none
    for i in range(5):
        client.post(PORTAL, {"email": f"n{i}@example.com"})
    assert client.post(PORTAL, {"email": "z@example.com"}).status_code == 429


def test_link_limits_hold_across_processes(client, yamada, monkeypatch):
    new_process = _each_request_in_a_new_process(monkeypatch)
    for _ in range(5):
        new_process()
        assert client.post(PORTAL, {"email": yamada.email}).status_code == 302
    assert len(mail.outbox) == 3  # per address, whichever process answered
    statuses = []
    for i in range(6):
        new_process()
        statuses.append(client.post(PORTAL, {"email": f"n{i}@example.com"}).status_code)
    assert statuses == [302] * 5 + [429]  # per IP: 10 in 15 minutes
    # The per-address limit holds from another IP too; the per-IP one does not reach it.
    other = client.post(PORTAL, {"email": yamada.email}, REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 302
    assert len(mail.outbox) == 3


def test_link_limits_are_read_from_settings(client, yamada, settings):
    settings.BEACHHEAD_PORTAL_LINK_RATE_ADDRESS = "1/h"
    settings.BEACHHEAD_PORTAL_LINK_RATE_IP = "2/h"
    assert client.post(PORTAL, {"email": yamada.email}).status_code == 302
    assert client.post(PORTAL, {"email": yamada.email}).status_code == 302
    assert len(mail.outbox) == 1
    limited = client.post(PORTAL, {"email": yamada.email})
    assert limited.status_code == 429
    assert 3500 < int(limited["Retry-After"]) <= 3600


def test_an_invalid_address_is_an_error(client, db):
    response = client.post(PORTAL, {"email": "not an address"})
    assert response.status_code == 200
    assert b"Enter a valid email address." in response.content


def test_a_link_signs_in_once(client, yamada, customer):
    raw = rules.issue_token(yamada)
    url = reverse("support:portal_sign_in", args=[raw])
    # Opening the link does not use it (mail scanners open links too): a button does.
    page = client.get(url)
    assert page.status_code == 200
    assert b"confirm-sign-in" in page.content
    assert PortalToken.objects.get().used_at is None
    client.get(PORTAL)
    before = client.session.session_key
    response = client.post(url, {"tz": "Asia/Tokyo"})
    assert response.status_code == 302
    assert response["Location"] == PORTAL
    assert client.session["portal_contact_id"] == yamada.pk
    assert client.session.session_key != before  # rotated
    assert PortalToken.objects.get().used_at is not None
    home = client.get(PORTAL)
    assert _ja("Your requests").encode() in home.content
    assert customer.name.encode() in home.content

    again = client.__class__().post(url)
    assert again.status_code == 410
    assert b"already used" in again.content
    assert b"Get a new sign-in link" in again.content
    assert client.__class__().get(url).status_code == 410


def test_a_link_expires_after_30_minutes(client, yamada):
    now = timezone.now()
    raw = rules.issue_token(yamada, now=now - timedelta(minutes=31))
    url = reverse("support:portal_sign_in", args=[raw])
    page = client.get(url)
    assert page.status_code == 410
    assert b"has expired" in page.content
    assert b"Get a new sign-in link" in page.content
    assert client.post(url).status_code == 410
    assert "portal_contact_id" not in client.session
    fresh = rules.issue_token(yamada, now=now - timedelta(minutes=29))
    assert rules.check_token(fresh).state == "valid"
    assert rules.check_token(fresh, now=now + timedelta(minutes=2)).state == "expired"
    with pytest.raises(ValidationError) as caught:
        rules.do_sign_in(fresh, now=now + timedelta(minutes=2))
    assert caught.value.code == "expired"
    assert rules.do_sign_in(fresh, now=now) == yamada


def test_an_unknown_link_is_404_in_the_customer_design(client, db, settings):
    response = client.get(reverse("support:portal_sign_in", args=["nope"]))
    assert response.status_code == 404
    assert settings.BEACHHEAD_COMPANY_NAME.encode() in response.content
    assert b"Get a new sign-in link" in response.content


def test_a_portal_session_grants_no_staff_access(client, yamada):
    _sign_in(client, yamada)
    assert client.get("/")["Location"].startswith("/login/")
    assert client.get("/api/v1/tickets/").status_code in (401, 403)
    assert "_auth_user_id" not in client.session


def test_sign_out(client, yamada):
    _sign_in(client, yamada)
    assert client.get(reverse("support:portal_sign_out")).status_code == 405
    response = client.post(reverse("support:portal_sign_out"))
    assert response.status_code == 302
    assert "portal_contact_id" not in client.session
    page = client.get(PORTAL)
    assert b"You are signed out" in page.content
    assert b"send-link" in page.content


def test_portal_pages_need_a_signed_in_contact(client, yamada):
    ticket = _ticket(yamada)
    assert client.get(reverse("support:portal_ticket", args=[ticket.pk]))["Location"] == PORTAL
    assert client.get(reverse("support:portal_new"))["Location"] == PORTAL


# --- What a contact may see --------------------------------------------------------------------


def test_a_contact_sees_their_accounts_tickets_only(client, yamada, colleague, stranger, agent):
    mine = _ticket(yamada, subject="自分の問い合わせ")
    theirs = _ticket(colleague, subject="同僚の問い合わせ")
    other = _ticket(stranger, subject="他社の問い合わせ")
    assert set(rules.tickets_for_contact(yamada)) == {mine, theirs}
    assert set(rules.tickets_for_contact(stranger)) == {other}
    assert not rules.tickets_for_contact(None).exists()

    _sign_in(client, yamada)
    home = client.get(PORTAL).content.decode()
    assert "自分の問い合わせ" in home
    assert "同僚の問い合わせ" in home
    assert "他社の問い合わせ" not in home
    assert "佐藤 花子" in home  # who sent a colleague's request
    assert client.get(reverse("support:portal_ticket", args=[theirs.pk])).status_code == 200
    response = client.get(reverse("support:portal_ticket", args=[other.pk]))
    assert response.status_code == 404
    assert _ja("We could not find this page").encode() in response.content
    assert client.post(
        reverse("support:portal_ticket", args=[other.pk]), {"text": "hi"}
    ).status_code == (404)
    assert other.messages.count() == 1


def test_a_contact_of_no_account_sees_only_their_own(client, markets):
    a = tickets.do_create_ticket(subject="A", body_text="a", requester_email="a@gmail.com")
    b = tickets.do_create_ticket(subject="B", body_text="b", requester_email="b@gmail.com")
    assert a.requester.account is None
    assert list(rules.tickets_for_contact(a.requester)) == [a]
    _sign_in(client, a.requester)
    assert client.get(reverse("support:portal_ticket", args=[b.pk])).status_code == 404


def test_the_ticket_page_shows_the_public_conversation_only(client, yamada, agent):
    ticket = _ticket(yamada)
    tickets.do_reply(ticket, agent, "社内メモ: 請求チームに確認中", public=False)
    tickets.do_reply(ticket, agent, "お問い合わせありがとうございます。手順をご案内します。")
    _sign_in(client, yamada)
    page = client.get(reverse("support:portal_ticket", args=[ticket.pk]))
    body = page.content.decode()
    assert "更新の手続きを教えてください。" in body
    assert "手順をご案内します。" in body
    assert "社内メモ" not in body
    assert "請求チーム" not in body
    assert ticket.routing_note not in body or not ticket.routing_note
    assert "aiko" not in body or agent.display_name in body  # no username, only the name
    assert 'id="next-answer"' in body


def test_the_next_answer_time_is_in_the_customers_zone(client, yamada, agent):
    ticket = _ticket(yamada, priority="high")
    _sign_in(client, yamada)
    body = client.get(reverse("support:portal_ticket", args=[ticket.pk])).content.decode()
    due = rules.next_answer_due(ticket)
    with translation.override("ja"):  # the contact's language (no language cookie)
        shown = rules.local_time(due, "Asia/Tokyo")
    assert shown.text in body
    assert shown.zone in body


def test_a_portal_reply_joins_and_reopens_a_pending_ticket(client, yamada, agent):
    ticket = _ticket(yamada)
    tickets.do_reply(ticket, agent, "ログを送っていただけますか。", status=Status.PENDING)
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING
    _sign_in(client, yamada)
    page = client.get(reverse("support:portal_ticket", args=[ticket.pk])).content.decode()
    assert _ja("We are waiting for your reply.") in page
    url = reverse("support:portal_ticket", args=[ticket.pk])
    empty = client.post(url, {"text": "   "})
    assert empty.status_code == 200
    assert b"invalid-feedback" in empty.content
    assert ticket.messages.count() == 2
    response = client.post(url, {"text": "ログを添付します。"})
    assert response.status_code == 302
    assert response["Location"].endswith("#latest")
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    message = ticket.messages.order_by("-pk").first()
    assert message.kind == Message.Kind.INBOUND
    assert message.channel == Channel.PORTAL
    assert message.contact == yamada
    assert message.from_address == yamada.email
    assert (
        _ja("Your reply was added. We will answer by e-mail.") in client.get(url).content.decode()
    )


def test_a_closed_ticket_takes_no_reply(client, yamada, agent):
    ticket = _ticket(yamada)
    tickets.do_set_status(ticket, agent, Status.CLOSED)
    _sign_in(client, yamada)
    url = reverse("support:portal_ticket", args=[ticket.pk])
    assert b"reply-form" not in client.get(url).content
    client.post(url, {"text": "まだ困っています"})
    assert ticket.messages.count() == 1


def test_a_new_request_from_the_portal(client, yamada, tokyo_team):
    _sign_in(client, yamada)
    page = client.get(reverse("support:portal_new"))
    assert b'value="urgent"' in page.content  # a contact of an account may page us
    response = client.post(
        reverse("support:portal_new"),
        {
            "subject": "本番環境が停止",
            "description": "全ノードが応答しません。",
            "priority": "urgent",
            "language": "ja",
        },
    )
    ticket = Ticket.objects.get()
    assert response["Location"] == reverse("support:portal_ticket", args=[ticket.pk])
    assert ticket.channel == Channel.PORTAL
    assert ticket.priority == "urgent"
    assert ticket.requester == yamada
    assert ticket.account == yamada.account
    assert rules.first_reply_due(ticket) is not None
    follow = client.get(response["Location"]).content.decode()
    assert f"#{ticket.pk}" in follow
    assert "本番環境が停止" in follow


def test_urgent_is_not_offered_without_an_account(client, markets):
    ticket = tickets.do_create_ticket(subject="A", body_text="a", requester_email="a@gmail.com")
    _sign_in(client, ticket.requester)
    assert b'value="urgent"' not in client.get(reverse("support:portal_new")).content
    response = client.post(
        reverse("support:portal_new"),
        {"subject": "X", "description": "Y", "priority": "urgent", "language": "en"},
    )
    assert response.status_code == 200
    assert Ticket.objects.count() == 1
    with pytest.raises(ValidationError):
        rules.do_open_request(ticket.requester, subject="X", description="Y", priority="urgent")


# --- The survey --------------------------------------------------------------------------------


@pytest.fixture
def survey(yamada, agent):
    ticket = _ticket(yamada)
    tickets.do_reply(ticket, agent, "解決しました。", status=Status.SOLVED)
    return Survey.objects.get(ticket=ticket)


@pytest.mark.parametrize("rating", ["good", "bad"])
def test_survey_answers(client, survey, rating):
    url = reverse("support:survey", args=[survey.token])
    page = client.get(url, {"rating": rating})
    assert page.status_code == 200
    assert f'value="{rating}" checked'.encode() in page.content
    response = client.post(url, {"rating": rating, "comment": "早い対応でした"})
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.rating == rating
    assert survey.comment == "早い対応でした"
    assert survey.ticket.satisfaction == rating
    thanks = client.get(response["Location"])
    assert b"survey-thanks" in thanks.content


def test_survey_needs_a_rating(client, survey):
    url = reverse("support:survey", args=[survey.token])
    response = client.post(url, {"comment": "?"})
    assert response.status_code == 200
    assert _ja("Choose one of the two answers.").encode() in response.content


def test_a_closed_survey_says_so(client, survey):
    Survey.objects.filter(pk=survey.pk).update(sent_at=timezone.now() - timedelta(days=61))
    url = reverse("support:survey", args=[survey.token])
    response = client.post(url, {"rating": "good"})
    assert response.status_code == 200
    assert _ja("This survey has closed.").encode() in response.content
    survey.refresh_from_db()
    assert survey.rating == ""


def test_one_mail_carries_a_link_per_account_of_the_same_person(yamada, markets):
    Contact.objects.create(full_name="山田 太郎", email="yamada@yamato-seiki.co.jp")
    assert rules.send_link_now("YAMADA@yamato-seiki.co.jp") == 1
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert body.count("/support/portal/sign-in/") == 2
    assert "株式会社ヤマト精機" in body
    assert _ja("Your own requests") in body
    assert PortalToken.objects.count() == 2


def test_an_invalid_survey_token_is_404(client, db, settings):
    response = client.get(reverse("support:survey", args=["not-a-token"]), {"rating": "good"})
    assert response.status_code == 404
    assert settings.BEACHHEAD_COMPANY_NAME.encode() in response.content
    assert b"We could not find this page" in response.content  # no contact: the browser's


def test_with_no_base_url_set_the_sign_in_link_names_the_host_asked_on(client, yamada, settings):
    settings.BEACHHEAD_BASE_URL = ""
    settings.ALLOWED_HOSTS = ["desk.example"]

    client.post(PORTAL, {"email": yamada.email}, HTTP_HOST="desk.example:8123")

    assert len(mail.outbox) == 1
    assert "http://desk.example:8123/support/portal/sign-in/" in mail.outbox[0].body


def test_a_set_base_url_names_the_sign_in_link(client, yamada, settings):
    settings.BEACHHEAD_BASE_URL = "https://help.example.com/"

    client.post(PORTAL, {"email": yamada.email})

    assert "https://help.example.com/support/portal/sign-in/" in mail.outbox[0].body
