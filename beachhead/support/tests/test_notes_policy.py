"""Internal notes are for the desk's roles: every role that sees a ticket reads its customer
conversation; only admin, executive, regional manager, support agent and customer success read
(and write) its internal notes — on the ticket page, in the API, on the customer timeline and
the customer-360 page, and in a note's attachments."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile

from beachhead.core import timeline
from beachhead.core.roles import Role, can
from beachhead.support.models import Attachment, Message
from beachhead.support.roles import SupportOperation
from beachhead.support.services import tickets

pytestmark = pytest.mark.django_db

CUSTOMER_TEXT = "The nightly export stopped after the upgrade."
REPLY_TEXT = "We are looking at the export job now."
NOTE_TEXT = "Churn risk: do not mention the renewal discount yet."

READERS = {
    Role.ADMIN,
    Role.EXECUTIVE,
    Role.REGIONAL_MANAGER,
    Role.SUPPORT_AGENT,
    Role.CUSTOMER_SUCCESS,
}
ROLES = list(Role)


@pytest.fixture
def conversation(customer, admin, mailed_ticket):
    """A Japanese customer's ticket with a message, a public reply and an internal note (the
    note with a file)."""
    ticket = mailed_ticket(customer, "yamada@yamato-seiki.co.jp", "Export stopped", CUSTOMER_TEXT)
    tickets.do_reply(ticket, admin, REPLY_TEXT)
    note = tickets.do_reply(ticket, admin, NOTE_TEXT, public=False)
    file = Attachment(message=note, filename="call-notes.txt", content_type="text/plain", size=5)
    file.file.save("call-notes.txt", ContentFile(b"notes"), save=True)
    ticket.note_file = file
    return ticket


@pytest.fixture
def person(make_user):
    def make(role: str):
        return make_user(role, None if role in (Role.ADMIN, Role.EXECUTIVE) else ["JP"])

    return make


def test_the_rule_is_one_named_operation():
    readers = {role for role in Role if can(_someone(role), SupportOperation.READ_NOTES)}
    assert readers == READERS


def _someone(role):
    from beachhead.core.models import User

    return User(role=role, is_active=True)


@pytest.mark.parametrize("role", ROLES)
def test_ticket_page_shows_notes_only_to_the_desk(role, conversation, person, client):
    client.force_login(person(role))
    page = client.get(conversation.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert CUSTOMER_TEXT in html
    assert REPLY_TEXT in html
    assert (NOTE_TEXT in html) is (role in READERS)
    assert ("call-notes.txt" in html) is (role in READERS)


@pytest.mark.parametrize("role", ROLES)
def test_messages_api_lists_notes_only_to_the_desk(role, conversation, person, api):
    answer = api(person(role)).get(f"/api/v1/tickets/{conversation.pk}/messages/")
    assert answer.status_code == 200
    rows = answer.json()["results"]
    kinds = [row["kind"] for row in rows]
    expected = ["inbound", "reply", "note"] if role in READERS else ["inbound", "reply"]
    assert kinds == expected
    assert (NOTE_TEXT in answer.content.decode()) is (role in READERS)
    assert answer.json()["count"] == len(expected)


@pytest.mark.parametrize("role", ROLES)
def test_customer_timeline_shows_notes_only_to_the_desk(role, conversation, person, client):
    user = person(role)
    entries = timeline.timeline(conversation.account, user, limit=50)
    text = " ".join(f"{e.title} {e.detail}" for e in entries)
    assert CUSTOMER_TEXT[:40] in text
    assert REPLY_TEXT[:30] in text
    assert ("Churn risk" in text) is (role in READERS)
    assert any(e.source == "messages" and e.icon == "lock" for e in entries) is (role in READERS)
    # The customer-360 page reads the same timeline.
    client.force_login(user)
    page = client.get(conversation.account.get_absolute_url())
    assert page.status_code == 200
    assert CUSTOMER_TEXT[:40] in page.content.decode()
    assert ("Churn risk" in page.content.decode()) is (role in READERS)


@pytest.mark.parametrize("role", ROLES)
def test_a_notes_file_downloads_only_for_the_desk(role, conversation, person, client):
    client.force_login(person(role))
    answer = client.get(f"/support/attachments/{conversation.note_file.pk}/")
    assert answer.status_code == (200 if role in READERS else 404)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_desk_writes_notes(role, conversation, person, api):
    """Each role, as the ticket's assignee (so it may change the ticket): a public reply is
    fine; a note only for the roles that read notes."""
    user = person(role)
    tickets.do_assign(conversation, _admin(), assignee=user)
    client = api(user)
    url = f"/api/v1/tickets/{conversation.pk}/messages/"
    answer = client.post(url, {"body": "A second note.", "public": False}, format="json")
    assert answer.status_code == (201 if role in READERS else 403), answer.content
    assert Message.objects.filter(body_text="A second note.").exists() is (role in READERS)
    answer = client.post(url, {"body": "Public words.", "public": True}, format="json")
    assert answer.status_code == 201, answer.content
    if role not in READERS:
        with pytest.raises(PermissionDenied):
            tickets.do_reply(conversation, user, "Another note.", public=False)


@pytest.mark.parametrize("role", ROLES)
def test_the_reply_box_offers_a_note_only_to_the_desk(role, conversation, person, client):
    user = person(role)
    tickets.do_assign(conversation, _admin(), assignee=user)
    client.force_login(user)
    html = client.get(conversation.get_absolute_url()).content.decode()
    assert 'id="reply-box"' in html
    assert ('id="reply-kind-note"' in html) is (role in READERS)
    # A forged form that asks for a note is refused, and nothing is written.
    answer = client.post(
        f"/support/tickets/{conversation.pk}/reply/",
        {"reply-kind": "note", "reply-body": "Forged note."},
    )
    assert answer.status_code == 302
    assert Message.objects.filter(body_text="Forged note.").exists() is (role in READERS)


def _admin():
    from beachhead.core.models import User

    return User.objects.get(username="boss")


@pytest.mark.parametrize("role", ROLES)
def test_lists_exports_search_and_the_inbox_carry_no_note_text(role, conversation, person, client):
    """Guards: the ticket list, its export and its search read no message text, and adding a
    note tells no one (no event, no notice carries a note's words)."""
    from beachhead.core.models import Event, Notification

    client.force_login(person(role))
    every = "&".join(f"c={c.path}" for c in _ticket_columns())
    for url in (f"/lists/tickets/?{every}", f"/lists/tickets/export.csv?{every}"):
        answer = client.get(url, follow=True)
        assert answer.status_code == 200
        body = b"".join(answer.streaming_content) if answer.streaming else answer.content
        assert b"Export stopped" in body
        assert NOTE_TEXT.encode() not in body
    found = client.get("/api/v1/tickets/", {"q": "Churn risk"}).json()
    assert found["count"] == 0
    assert all("Churn" not in str(event.data) for event in Event.objects.all())
    assert all("Churn" not in f"{n.title} {n.body} {n.params}" for n in Notification.objects.all())


def _ticket_columns():
    from beachhead.support.lists import TICKETS

    return TICKETS.columns
