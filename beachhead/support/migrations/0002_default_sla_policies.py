"""The desk's default SLA policies, from the seeds: urgent tickets of strategic accounts get a
first human reply within 15 minutes, around the clock. Editable in the admin afterwards."""

from django.db import migrations

POLICIES = [
    # name, order, tiers, priorities, calendar, first, next, periodic, resolution (minutes)
    ("Strategic accounts · urgent", 10, ["strategic"], ["urgent"], "24x7", 15, 30, 60, 8 * 60),
    ("Urgent", 20, [], ["urgent"], "coverage", 60, 120, 120, 24 * 60),
    ("High", 30, [], ["high"], "market", 4 * 60, 8 * 60, None, 5 * 9 * 60),
    ("Normal", 40, [], ["normal"], "market", 8 * 60, 16 * 60, None, 10 * 9 * 60),
    ("Low", 50, [], ["low"], "market", 2 * 9 * 60, 4 * 9 * 60, None, 20 * 9 * 60),
]


def seed(apps, schema_editor):
    SlaPolicy = apps.get_model("support", "SlaPolicy")
    if SlaPolicy.objects.exists():
        return
    for name, order, tiers, priorities, calendar, first, nxt, periodic, resolution in POLICIES:
        SlaPolicy.objects.create(
            name=name,
            order=order,
            tiers=tiers,
            priorities=priorities,
            calendar=calendar,
            first_reply_minutes=first,
            next_reply_minutes=nxt,
            periodic_update_minutes=periodic,
            resolution_minutes=resolution,
        )


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
