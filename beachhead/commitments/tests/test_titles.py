"""Promise titles and the ledger's notices are worded when read, in the reader's language: a
promise a pillar makes stores its kind and subject, not words in its creator's language; what a
person typed stays as typed; the inbox follows its reader's language."""

from __future__ import annotations

import csv
import importlib
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.utils import translation

from beachhead.commitments import kinds, services
from beachhead.commitments.models import Commitment, GeneratedTitle
from beachhead.core import events
from beachhead.core.models import Event, Notification
from beachhead.core.services import do_create_team

T0 = datetime(2027, 3, 3, 1, 0, tzinfo=UTC)
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")


@pytest.fixture
def aoi(make_user):
    """An agent of the Tokyo desk who reads Japanese."""
    return make_user("support_agent", ["JP"], language="ja", username="aoi")


@pytest.fixture
def kenji(make_user):
    """Her manager, who reads English."""
    return make_user("regional_manager", ["JP"], language="en", username="kenji")


def promise(owner, markets, *, kind="first_reply", title="", minutes=60, team=None, **more):
    return services.do_create_commitment(
        kind=kind,
        calendar="24x7",
        target=timedelta(minutes=minutes),
        owner=owner,
        team=team,
        start=more.pop("start", T0),
        market=markets["JP"],
        title=title,
        subject_label=more.pop("subject_label", "#1108 VPN down"),
        **more,
    )


@pytest.mark.django_db
def test_made_in_japanese_read_in_english(aoi, markets):
    with translation.override("ja"):
        c = promise(aoi, markets)
    stored = Commitment.objects.filter(pk=c.pk).values_list("title", flat=True).get()
    assert stored == ""  # the kind and subject are stored, not words in one language
    c = Commitment.objects.get(pk=c.pk)
    with translation.override("en"):
        assert c.title == "First reply to #1108 VPN down"
        assert str(c) == "First reply to #1108 VPN down"
    with translation.override("ja"):
        assert c.title == "#1108 VPN downへの初回返信"
    with translation.override("zh-hans"):
        assert c.title == "#1108 VPN down 的首次回复"


@pytest.mark.django_db
def test_every_kind_has_words_and_a_promise_without_subject_is_its_kind(aoi, markets):
    with translation.override("en"):
        for code, _label in kinds.choices():
            worded = kinds.title(code, "ACME")
            assert "ACME" in worded, code
            assert "%" not in worded, code
        bare = promise(aoi, markets, kind="follow_up", subject_label="")
        assert bare.title == "Follow-up"
        to_customer = promise(
            aoi, markets, kind="follow_up", subject_label="", customer_label="Sony"
        )
        assert to_customer.title == "Follow-up on Sony"
        assert kinds.title("no_such_kind", "ACME") == "no_such_kind for ACME"


@pytest.mark.django_db
def test_a_typed_title_is_kept_as_typed_in_every_language(aoi, markets):
    c = promise(aoi, markets, kind="other", title="  顧客に見積書を送る ")
    for language in ("en", "ja", "zh-hans"):
        with translation.override(language):
            assert Commitment.objects.get(pk=c.pk).title == "顧客に見積書を送る"
    assert not isinstance(Commitment.objects.get(pk=c.pk).title, GeneratedTitle)


@pytest.mark.django_db
def test_words_read_are_never_written_back(aoi, markets):
    c = promise(aoi, markets)
    with translation.override("ja"):
        c.refresh_from_db()  # copies every field, the worded title too
        c.full_clean()
        c.save()
        c.title = c.title  # as a form would
        c.save(update_fields=["title"])
    assert Commitment.objects.filter(pk=c.pk, title="").exists()
    c.title = "Call the customer back"
    c.save(update_fields=["title"])
    assert Commitment.objects.get(pk=c.pk).title == "Call the customer back"


@pytest.mark.django_db
def test_the_api_and_the_export_speak_the_readers_language(api, client, aoi, kenji, markets):
    with translation.override("ja"):
        for kind in ("first_reply", "resolution", "follow_up", "contract_milestone"):
            promise(aoi, markets, kind=kind)
    typed = promise(aoi, markets, kind="other", title="見積書を送る")

    rows = api(kenji).get("/api/v1/commitments/").json()["results"]
    generated = [r for r in rows if r["id"] != typed.pk]
    assert len(generated) == 4
    assert not [r["title"] for r in generated if CJK.search(r["title"])]
    assert {r["kind"] for r in generated} == {
        "first_reply",
        "resolution",
        "follow_up",
        "contract_milestone",
    }
    assert {r["subject_label"] for r in generated} == {"#1108 VPN down"}
    assert next(r for r in rows if r["id"] == typed.pk)["title"] == "見積書を送る"
    # The same promises for a reader of Chinese (Accept-Language decides for an API token).
    zh = api(kenji).get("/api/v1/commitments/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert "#1108 VPN down 的首次回复" in {r["title"] for r in zh["results"]}

    client.force_login(kenji)
    export = client.get("/lists/commitments/export.csv", {"cols": "title,kind"})
    lines = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    titles = {row[0] for row in lines[1:]}
    assert "First reply to #1108 VPN down" in titles
    assert not [t for t in titles - {"見積書を送る"} if CJK.search(t)]
    page = client.get("/lists/commitments/").content.decode()
    assert "Resolution of #1108 VPN down" in page
    assert "的" not in page
    assert "への" not in page


@pytest.mark.django_db
def test_the_inbox_follows_its_readers_language(
    client, aoi, kenji, markets, django_capture_on_commit_callbacks
):
    team = do_create_team(name="Tokyo Support", market_code="JP", manager=kenji, members=[aoi])
    with translation.override("ja"):
        c = promise(aoi, markets, team=team)
    with django_capture_on_commit_callbacks(execute=True):
        services.sweep(now=T0 + timedelta(minutes=61))

    notice = Notification.objects.get(recipient=aoi, key=f"commitment:{c.pk}:broken")
    assert notice.message == "commitments.broken"
    assert notice.title.startswith("不履行：")  # written in her language
    # E-mail goes out in each recipient's language, when it is sent.
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "#1108 VPN downへの初回返信" in subjects[aoi.email]
    assert "Broken: First reply to #1108 VPN down" in subjects[kenji.email]

    client.force_login(aoi)
    assert "#1108 VPN downへの初回返信" in client.get("/inbox/").content.decode()
    aoi.language = "en"
    aoi.save(update_fields=["language"])
    page = client.get("/inbox/").content.decode()
    assert "Broken: First reply to #1108 VPN down" in page
    assert "不履行" not in page


@pytest.mark.django_db
def test_a_notice_that_cannot_be_worded_shows_its_stored_words(aoi):
    notice = Notification.objects.create(
        recipient=aoi, title="Stored", body="words", message="gone.away", params={}
    )
    assert (notice.shown_title, notice.shown_body) == ("Stored", "words")
    notice.message = "commitments.broken"  # with parameters that do not fit
    notice.params = {"kind": 3}
    assert notice.shown_title


@pytest.mark.django_db
def test_the_migration_clears_generated_titles_and_words_old_notices(aoi, kenji, markets):
    migration = importlib.import_module("beachhead.commitments.migrations.0004_generated_titles")
    old = {}
    for language, words in (
        ("zh-hans", "Ticket #1108 的首次回复"),
        ("ja", "Ticket #1108の初回返信"),
        ("en", "First reply for Ticket #1108"),
    ):
        c = promise(aoi, markets, subject_label="Ticket #1108")
        Commitment.objects.filter(pk=c.pk).update(title=words)
        old[language] = c
    typed = promise(aoi, markets, kind="other", title="Ticket #1108 の件でお電話")
    bare = promise(aoi, markets, kind="follow_up", subject_label="")
    Commitment.objects.filter(pk=bare.pk).update(title="フォローアップ")
    Notification.objects.create(
        recipient=kenji,
        title="不履行：Ticket #1108の初回返信",
        key=f"commitment:{old['ja'].pk}:broken",
    )

    Event.objects.filter(events.about(old["zh-hans"])).update(
        subject_label="Ticket #1108 的首次回复"
    )

    migration.clear_generated_titles(apps, None)
    migration.neutral_demo_labels(apps, None)
    migration.label_events_neutrally(apps, None)
    migration.word_notices_when_read(apps, None)

    assert set(Commitment.objects.filter(title="").values_list("pk", flat=True)) == {
        *(c.pk for c in old.values()),
        bare.pk,
    }
    assert Commitment.objects.get(pk=typed.pk).title == "Ticket #1108 の件でお電話"
    # "Ticket #1108" named no record (demo data): its English word goes, the number stays.
    assert set(Commitment.objects.values_list("subject_label", flat=True)) == {
        "#1108",
        "#1108 VPN down",
        "",
    }
    assert set(
        Event.objects.filter(events.about(old["zh-hans"])).values_list("subject_label", flat=True)
    ) == {"#1108"}
    with translation.override("ja"):
        assert Commitment.objects.get(pk=old["zh-hans"].pk).title == "#1108への初回返信"
    notice = Notification.objects.get(recipient=kenji)
    with translation.override("en"):
        assert notice.shown_title == "Broken: First reply to #1108"
