"""In-app notices: a private inbox, once per key, each e-mailed once after the commit."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from beachhead.core.access import scoped
from beachhead.core.models import Notification
from beachhead.core.services import do_notify, do_send_notification_emails


@pytest.fixture
def people(make_user):
    return {
        "aoi": make_user("support_agent", ["JP"], username="aoi", language="ja"),
        "ren": make_user("account_executive", ["JP"], username="ren"),
        "admin": make_user("admin", username="ops"),
    }


def test_a_notice_is_e_mailed_to_each_recipient_after_the_commit(
    people, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = do_notify(
            [people["aoi"], people["ren"]], title="Ticket #1001 is at risk", url="/commitments/1/"
        )
        assert mail.outbox == []  # nothing leaves before the commit

    # then
    assert created == 2
    assert len(callbacks) == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["aoi@example.com", "ren@example.com"]
    assert all(m.subject == "[Beachhead] Ticket #1001 is at risk" for m in mail.outbox)
    assert all(m.body.endswith("/commitments/1/") for m in mail.outbox)
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_notices_are_e_mailed_where_bulk_inserts_return_no_keys(
    people, django_capture_on_commit_callbacks, monkeypatch
):
    # given: MySQL and TiDB do not return the keys of a bulk insert
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        do_notify([people["aoi"], people["ren"]], title="Ticket #1002 is at risk")

    # then
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 2


def test_a_keyed_notice_is_created_and_e_mailed_once(people, django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        first = do_notify([people["aoi"]], title="Breach", key="commitment:1:broken")

    # when: the sweep runs again, and a second recipient is added
    with django_capture_on_commit_callbacks(execute=True):
        second = do_notify(
            [people["aoi"], people["ren"]], title="Breach", key="commitment:1:broken"
        )

    # then
    assert (first, second) == (1, 1)
    assert Notification.objects.filter(key="commitment:1:broken").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["aoi@example.com", "ren@example.com"]


def test_inactive_people_and_nobody_get_nothing(people, django_capture_on_commit_callbacks):
    # given
    people["ren"].is_active = False
    people["ren"].save()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        created = do_notify([people["ren"], None], title="Hello")

    # then
    assert created == 0
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_titles_can_be_rendered_per_recipient(people):
    # when
    do_notify(
        [people["aoi"], people["ren"]],
        title=lambda user: f"{user.language}: at risk",
        email=False,
    )

    # then
    assert sorted(Notification.objects.values_list("title", flat=True)) == [
        "en: at risk",
        "ja: at risk",
    ]


def test_sending_twice_sends_once(people):
    # given
    do_notify([people["aoi"]], title="Hello", email=False)
    ids = list(Notification.objects.values_list("pk", flat=True))

    # when
    sent = [do_send_notification_emails(ids), do_send_notification_emails(ids)]

    # then
    assert sent == [1, 0]
    assert len(mail.outbox) == 1


def test_the_inbox_is_private_even_for_admins(people):
    # given
    do_notify([people["aoi"]], title="Yours", email=False)

    # when / then
    assert scoped(Notification, people["aoi"]).count() == 1
    assert scoped(Notification, people["admin"]).count() == 0
    assert scoped(Notification, people["ren"]).count() == 0


# --- The inbox page --------------------------------------------------------------------------


def test_the_inbox_lists_only_ones_own_unread_notices(client, people):
    # given
    do_notify([people["aoi"]], title="Ticket #1001 is at risk", email=False)
    do_notify([people["ren"]], title="Contract C-7 is due", email=False)
    do_notify([people["aoi"]], title="Old news", email=False)
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
    do_notify([people["aoi"]], title="At risk", url="/commitments/1/", email=False)
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
    do_notify([people["aoi"]], title="Click", url="https://evil.example/", email=False)
    notice = Notification.objects.get()
    client.force_login(people["aoi"])

    # when
    response = client.post(f"/inbox/{notice.pk}/open/")

    # then
    assert response["Location"] == "/inbox/"


def test_someone_elses_notice_is_not_found_and_stays_unread(client, people):
    # given
    do_notify([people["aoi"]], title="Private", email=False)
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
    do_notify([people["aoi"], people["ren"]], title="Hello", email=False)
    client.force_login(people["aoi"])

    # when
    response = client.post("/inbox/read-all/")

    # then
    assert response["Location"] == "/inbox/"
    assert Notification.objects.get(recipient=people["aoi"]).read_at is not None
    assert Notification.objects.get(recipient=people["ren"]).read_at is None


def test_inbox_actions_are_post_only(client, people):
    # given
    do_notify([people["aoi"]], title="Hello", email=False)
    notice = Notification.objects.get()
    client.force_login(people["aoi"])

    # when / then: a GET (a prefetching mail client, an <img>) changes nothing
    assert client.get(f"/inbox/{notice.pk}/open/").status_code == 405
    assert client.get("/inbox/read-all/").status_code == 405
    notice.refresh_from_db()
    assert notice.read_at is None
