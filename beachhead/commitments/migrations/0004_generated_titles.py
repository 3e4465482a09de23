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
        migrations.RunPython(word_notices_when_read, migrations.RunPython.noop),
    ]
