"""Seed the deal pipeline: qualification → discovery → pilot → proposal → negotiation → won /
lost. Stages are data afterwards (editable in the admin); this runs once."""

from django.db import migrations

STAGES = [
    # key, name, order, probability, is_won, is_lost
    ("qualification", "Qualification", 10, 10, False, False),
    ("discovery", "Discovery", 20, 20, False, False),
    ("pilot", "Pilot", 30, 40, False, False),
    ("proposal", "Proposal", 40, 60, False, False),
    ("negotiation", "Negotiation", 50, 80, False, False),
    ("won", "Won", 60, 100, True, False),
    ("lost", "Lost", 70, 0, False, True),
]


def seed(apps, schema_editor):
    Stage = apps.get_model("accounts", "Stage")
    for key, name, order, probability, is_won, is_lost in STAGES:
        Stage.objects.update_or_create(
            key=key,
            defaults={
                "name": name,
                "order": order,
                "probability": probability,
                "is_won": is_won,
                "is_lost": is_lost,
            },
        )


def unseed(apps, schema_editor):
    Stage = apps.get_model("accounts", "Stage")
    Stage.objects.filter(key__in=[row[0] for row in STAGES], opportunities__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
