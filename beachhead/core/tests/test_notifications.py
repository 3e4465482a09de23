"""The one notify service: events become notices in a private inbox (once per key, in the
same transaction) and go out by e-mail after the commit, through the outbox's deliveries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from beachhead.core import events, notify
from beachhead.core.access import scoped
from beachhead.core.models import Delivery, Event, Notification

KIND = "tests.notice"


def _make(batch):
    for event in batch:
        for person in event.data["to"]:
            yield notify.Notice(
                recipient_id=person,
                title=lambda language, t=event.data["title"]: t.replace("{lang}", language),
                url=event.data.get("url", ""),
                key=event.data.get("key"),
                event_id=event.pk,
            )


@pytest.fixture(autouse=True)
def notice_kind():
    events.register_kind(KIND, "Test notice", fields=("to", "title", "url", "key"))
    notify.on(KIND, _make)
    yield
    notify.off(KIND)


def _emit(users, title, **data):
    return events.emit(
        KIND, data={"to": [u.pk for u in users if u is not None], "title": title, **data}
    )


def _notice(users, title, url=""):
    """A notice for ``users`` without an e-mail (the inbox tests)."""
    notify.write_notices(notify.Notice(recipient_id=u.pk, title=title, url=url) for u in users)


@pytest.fixture
def people(make_user):
    return {
        "aoi": make_user("support_agent", ["JP"], username="aoi", language="ja"),
        "ren": make_user("account_executive", ["JP"], username="ren"),
        "admin": make_user("admin", username="ops"),
    }


def test_an_event_puts_notices_in_inboxes_at_once_and_e_mails_them_after_the_commit(
    people, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        event = _emit(
            [people["aoi"], people["ren"]], "Ticket #1001 is at risk", url="/commitments/1/"
        )
        assert Notification.objects.filter(event=event).count() == 2  # same transaction
        assert mail.outbox == []  # nothing leaves before the commit

    # then
    assert len(callbacks) == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["aoi@example.com", "ren@example.com"]
    assert all(m.subject == "[Beachhead] Ticket #1001 is at risk" for m in mail.outbox)
    assert all(m.body.endswith("/commitments/1/") for m in mail.outbox)
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    assert Delivery.objects.get(event=event).state == Delivery.State.DONE


def test_notices_are_e_mailed_where_bulk_inserts_return_no_keys(
    people, django_capture_on_commit_callbacks, monkeypatch
):
    # given: MySQL and TiDB do not return the keys of a bulk insert
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)

    # when: two events in one batch
    with django_capture_on_commit_callbacks(execute=True):
        events.emit_many(
            KIND,
            [
                events.Pending(data={"to": [people["aoi"].pk], "title": "A"}),
                events.Pending(data={"to": [people["ren"].pk], "title": "B"}),
            ],
        )

    # then
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 2
    assert Delivery.objects.filter(state=Delivery.State.DONE).count() == 2


def test_a_keyed_notice_is_created_and_e_mailed_once(people, django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        _emit([people["aoi"]], "Breach", key="commitment:1:broken")

    # when: the same fact again, and a second recipient is added
    with django_capture_on_commit_callbacks(execute=True):
        _emit([people["aoi"], people["ren"]], "Breach", key="commitment:1:broken")

    # then
    assert Notification.objects.filter(key="commitment:1:broken").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["aoi@example.com", "ren@example.com"]


def test_inactive_people_and_nobody_get_nothing(people, django_capture_on_commit_callbacks):
    # given
    people["ren"].is_active = False
    people["ren"].save()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        _emit([people["ren"], None], "Hello")

    # then
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_titles_are_written_in_each_recipients_language(people):
    # when
    _emit([people["aoi"], people["ren"]], "{lang}: at risk")

    # then
    assert sorted(Notification.objects.values_list("title", flat=True)) == [
        "en: at risk",
        "ja: at risk",
    ]


def test_a_rolled_back_change_leaves_no_event_notice_or_delivery(people):
    # when
    def change_that_fails():
        with transaction.atomic():
            _emit([people["aoi"]], "Never happened")
            raise RuntimeError("the change fails")

    with pytest.raises(RuntimeError, match="the change fails"):
        change_that_fails()

    # then
    assert not Event.objects.exists()
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()


def test_delivering_twice_sends_once(people):
    # given: an event whose delivery has not run (no commit in this test)
    _emit([people["aoi"]], "Hello")

    # when
    reports = [events.deliver().as_dict(), events.deliver().as_dict()]

    # then
    assert reports == [{"done": 1, "retried": 0, "dead": 0}, {"done": 0, "retried": 0, "dead": 0}]
    assert len(mail.outbox) == 1


def test_a_mail_server_down_is_retried_later_without_sending_twice(people, monkeypatch):
    # given: the first recipient's mail goes out, then the server goes away
    _emit([people["aoi"], people["ren"]], "Hello")
    sent = []

    def flaky(subject, body, sender, to):
        if sent:
            raise ConnectionRefusedError("mail server down")
        sent.append(to)
        mail.outbox.append(to)

    monkeypatch.setattr(notify, "send_mail", flaky)
    now = timezone.now()

    # when
    first = events.deliver(now)
    delivery = Delivery.objects.get()

    # then: kept for a retry, with the error, after a back-off
    assert first.retried == 1
    assert delivery.state == Delivery.State.RETRY
    assert "mail server down" in delivery.last_error
    assert delivery.next_attempt_at == now + events.backoff(1)
    assert events.deliver(now).as_dict() == {"done": 0, "retried": 0, "dead": 0}  # not yet

    # when: the server is back
    monkeypatch.undo()
    later = events.deliver(now + timedelta(minutes=1))

    # then: only the notice not yet sent goes out
    assert later.done == 1
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_a_delivery_dies_after_too_many_tries_and_an_admin_can_retry_it(
    people, monkeypatch, client
):
    # given: a transport that always fails for now
    _emit([people["aoi"]], "Hello")

    def down(*args):
        raise ConnectionRefusedError("down")

    monkeypatch.setattr(notify, "send_mail", down)
    now = timezone.now()
    for attempt in range(events.MAX_ATTEMPTS):
        events.deliver(now + timedelta(days=attempt))

    # then
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.DEAD
    assert delivery.attempts == events.MAX_ATTEMPTS

    # when: the admin sees it and tries again once the server is back
    client.force_login(people["admin"])
    page = client.get("/outbox/")
    assert page.status_code == 200
    assert "Test notice" in page.content.decode()
    monkeypatch.undo()
    response = client.post("/outbox/", {"delivery": [delivery.pk]})
    events.deliver()

    # then
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.DONE
    assert len(mail.outbox) == 1


def test_a_permanent_error_is_dead_at_once(people, monkeypatch):
    # given
    _emit([people["aoi"]], "Hello")

    def refused(*args):
        raise ValueError("Invalid address")

    monkeypatch.setattr(notify, "send_mail", refused)

    # when
    report = events.deliver()

    # then
    assert report.dead == 1
    assert Delivery.objects.get().state == Delivery.State.DEAD


def test_a_worker_that_vanished_gives_its_delivery_back_after_the_lease(people):
    # given: a worker took the delivery and died
    _emit([people["aoi"]], "Hello")
    now = timezone.now()
    Delivery.objects.update(state=Delivery.State.RUNNING, lease_until=now + events.LEASE)

    # when / then
    assert events.deliver(now).done == 0
    assert events.deliver(now + events.LEASE + timedelta(seconds=1)).done == 1
    assert len(mail.outbox) == 1


def test_only_admins_see_the_outbox(people, client):
    client.force_login(people["ren"])
    assert client.get("/outbox/").status_code == 403


def test_an_unknown_kind_or_payload_field_is_refused(people):
    with pytest.raises(events.UnknownEventKind):
        events.emit("tests.nothing")
    with pytest.raises(ValueError, match="no field"):
        events.emit(KIND, data={"surprise": 1})


def test_the_inbox_is_private_even_for_admins(people):
    # given
    _notice([people["aoi"]], "Yours")

    # when / then
    assert scoped(Notification, people["aoi"]).count() == 1
    assert scoped(Notification, people["admin"]).count() == 0
    assert scoped(Notification, people["ren"]).count() == 0


# --- The inbox page --------------------------------------------------------------------------


def test_the_inbox_lists_only_ones_own_unread_notices(client, people):
    # given
    _notice([people["aoi"]], "Ticket #1001 is at risk")
    _notice([people["ren"]], "Contract C-7 is due")
    _notice([people["aoi"]], "Old news")
    Notification.objects.filter(title="Old news").update(read_at=timezone.now())
    client.force_login(people["aoi"])

    # when
    unread = client.get("/inbox/")
    everything = client.get("/inbox/", {"show": "all"})

    # then
    assert [n.title for n in unread.context["page"]] == ["Ticket #1001 is at risk"]
    assert {n.title for n in everything.context["page"]} == {"Ticket #1001 is at risk", "Old news"}
    assert "Contract C-7" not in everything.content.decode()
    assert unread.context["inbox_unread"] == 1  # the badge in the sidebar


def test_opening_a_notice_marks_it_read_and_follows_its_link(client, people):
    # given
    _notice([people["aoi"]], "At risk", url="/commitments/1/")
    notice = Notification.objects.get()
    client.force_login(people["aoi"])

    # when
    response = client.post(f"/inbox/{notice.pk}/open/")

    # then
    assert response.status_code == 302
    assert response["Location"] == "/commitments/1/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_opening_a_notice_never_leaves_the_site(client, people):
    # given: a link that points elsewhere (a bad integration, a crafted notice)
    _notice([people["aoi"]], "Click", url="https://evil.example/")
    notice = Notification.objects.get()
    client.force_login(people["aoi"])

    # when
    response = client.post(f"/inbox/{notice.pk}/open/")

    # then
    assert response["Location"] == "/inbox/"


def test_someone_elses_notice_is_not_found_and_stays_unread(client, people):
    # given
    _notice([people["aoi"]], "Private")
    notice = Notification.objects.get()
    client.force_login(people["admin"])

    # when
    response = client.post(f"/inbox/{notice.pk}/open/")

    # then
    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_all_read_touches_only_ones_own_notices(client, people):
    # given
    _notice([people["aoi"], people["ren"]], "Hello")
    client.force_login(people["aoi"])

    # when
    response = client.post("/inbox/read-all/")

    # then
    assert response["Location"] == "/inbox/"
    assert Notification.objects.get(recipient=people["aoi"]).read_at is not None
    assert Notification.objects.get(recipient=people["ren"]).read_at is None


def test_inbox_actions_are_post_only(client, people):
    # given
    _notice([people["aoi"]], "Hello")
    notice = Notification.objects.get()
    client.force_login(people["aoi"])

    # when / then: a GET (a prefetching mail client, an <img>) changes nothing
    assert client.get(f"/inbox/{notice.pk}/open/").status_code == 405
    assert client.get("/inbox/read-all/").status_code == 405
    notice.refresh_from_db()
    assert notice.read_at is None
