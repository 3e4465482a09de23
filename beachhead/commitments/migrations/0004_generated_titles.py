"""Titles are worded when read: clear the titles the ledger generated at creation (in the
owner's language then: "Ticket #1108 的首次回复" on an English page), keep what people typed,
and let the inbox word the ledger's notices again in the reader's language."""

import re

from django.db import migrations
from django.utils import translation

import beachhead.commitments.models

LANGUAGES = ("en", "ja", "zh-hans")
BATCH = 500
KEY = re.compile(r"^commitment:(\d+):(broken|escalated|warned)$")
#: Labels the demo gave promises about no record ("Ticket #1108", "Contract C-1001"): English
#: words on every page. Kept language-neutral: "#1108", "C-1001".
DEMO_LABEL = re.compile(r"^(?:Ticket (#\d+)|Contract (C-\d+)|Pilot (P-\d+)|Request (\d+))$")


def _generated(kind, subject):
    """Every title the ledger used to generate for ``kind`` about ``subject``."""
    from beachhead.commitments import kinds

    found = set()
    for language in LANGUAGES:
        with translation.override(language):
            label = str(kinds.label(kind))
            if subject:
                found.add(translation.gettext("%(kind)s for %(subject)s") % {"kind": label, "subject": subject})
            else:
                found.add(label)
    return found


def clear_generated_titles(apps, schema_editor):
    Commitment = apps.get_model("commitments", "Commitment")
    cache = {}
    generated = []
    rows = Commitment.objects.exclude(title="").values_list("pk", "kind", "subject_label", "title")
    for pk, kind, subject, title in rows.iterator(chunk_size=2000):
        key = (kind, subject)
        if key not in cache:
            cache[key] = _generated(kind, subject)
            if len(cache) > 50000:
                cache.clear()
        if title in cache[key]:
            generated.append(pk)
    for start in range(0, len(generated), BATCH):
        Commitment.objects.filter(pk__in=generated[start : start + BATCH]).update(title="")


def neutral_demo_labels(apps, schema_editor):
    Commitment = apps.get_model("commitments", "Commitment")
    changed = []
    rows = Commitment.objects.filter(subject_type__isnull=True).exclude(subject_label="")
    for commitment in rows.only("pk", "subject_label").iterator(chunk_size=2000):
        match = DEMO_LABEL.match(commitment.subject_label)
        if match is None:
            continue
        number = next(group for group in match.groups() if group)
        commitment.subject_label = number if not number.isdigit() else f"#{number}"
        changed.append(commitment)
    Commitment.objects.bulk_update(changed, ["subject_label"], batch_size=BATCH)


def label_events_neutrally(apps, schema_editor):
    """Events about a promise named it by its title in its owner's language: name it by what
    people wrote instead (its typed description, else its subject or customer label)."""
    from django.db.models import Case, CharField, IntegerField, OuterRef, Q, Subquery, Value, When
    from django.db.models.functions import Cast, Coalesce, Substr

    Commitment = apps.get_model("commitments", "Commitment")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Event = apps.get_model("core", "Event")
    content_type = ContentType.objects.filter(app_label="commitments", model="commitment").first()
    if content_type is None:
        return
    label = Case(
        When(~Q(title=""), then="title"),
        When(~Q(subject_label=""), then="subject_label"),
        default="customer_label",
        output_field=CharField(),
    )
    promise = Commitment.objects.filter(pk=Cast(OuterRef("subject_id"), IntegerField()))
    named = Subquery(promise.annotate(label=Substr(label, 1, 200)).values("label")[:1])
    Event.objects.filter(subject_type=content_type).exclude(subject_id="").update(
        subject_label=Coalesce(named, Value(""))
    )


def word_notices_when_read(apps, schema_editor):
    """The ledger's notices (``commitment:<id>:<stage>``) become messages the inbox words."""
    Commitment = apps.get_model("commitments", "Commitment")
    Notification = apps.get_model("core", "Notification")
    notices = list(
        Notification.objects.filter(message="", key__startswith="commitment:").only("pk", "key")
    )
    ids = {int(m.group(1)) for n in notices if (m := KEY.match(n.key or ""))}
    promises = {}
    id_list = sorted(ids)
    for start in range(0, len(id_list), BATCH):
        for pk, kind, subject, customer, title in Commitment.objects.filter(
            pk__in=id_list[start : start + BATCH]
        ).values_list("pk", "kind", "subject_label", "customer_label", "title"):
            promises[pk] = {"kind": kind, "about": subject or customer, "description": title}
    changed = []
    for notice in notices:
        match = KEY.match(notice.key or "")
        if match is None or int(match.group(1)) not in promises:
            continue
        notice.message = f"commitments.{match.group(2)}"
        notice.params = promises[int(match.group(1))]
        changed.append(notice)
    Notification.objects.bulk_update(changed, ["message", "params"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0003_subject_index_partial"),
        ("core", "0004_notice_messages"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterField(
            model_name="commitment",
            name="title",
            field=beachhead.commitments.models.TitleField(
                blank=True, max_length=300, verbose_name="description"
            ),
        ),
        migrations.RunPython(clear_generated_titles, migrations.RunPython.noop),
        migrations.RunPython(neutral_demo_labels, migrations.RunPython.noop),
        migrations.RunPython(label_events_neutrally, migrations.RunPython.noop),
        migrations.RunPython(word_notices_when_read, migrations.RunPython.noop),
    ]
