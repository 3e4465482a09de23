"""Team alerts in the inbox are worded when read, in the reader's language: give the existing
ones their message and figures (from the event they tell of)."""

from django.db import migrations

FIELDS = ("team_name", "metric", "value", "threshold")


def word_alerts_when_read(apps, schema_editor):
    Notification = apps.get_model("core", "Notification")
    changed = []
    notices = Notification.objects.filter(
        message="", key__startswith="team-alert:", event__isnull=False
    ).select_related("event")
    for notice in notices.iterator(chunk_size=500):
        data = notice.event.data or {}
        if all(name in data for name in FIELDS):
            notice.message = "support.team_alert_raised"
            notice.params = {name: data[name] for name in FIELDS}
            changed.append(notice)
    Notification.objects.bulk_update(changed, ["message", "params"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_notice_messages"),
        ("support", "0005_ticket_desk_index"),
    ]

    operations = [migrations.RunPython(word_alerts_when_read, migrations.RunPython.noop)]
