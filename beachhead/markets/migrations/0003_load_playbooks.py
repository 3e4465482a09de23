"""Load the shipped playbooks (``beachhead/markets/playbooks/*.toml``) into the database.

The loader takes the historical model, so this migration keeps working when the model grows.
A broken file is reported and skipped rather than failing the upgrade: ``beachhead markets
sync`` (and ``markets check``) are the strict ways to load the files, and the tests refuse a
broken file before it ships.
"""

import sys

from django.db import migrations
from django.utils import timezone


def load_playbooks(apps, schema_editor):
    from beachhead.markets.loader import apply_playbooks, read_playbooks

    Market = apps.get_model("markets", "Market")
    playbooks, errors = read_playbooks()
    for error in errors:
        sys.stderr.write(f"  Skipped playbook: {error}\n")
    apply_playbooks(Market, playbooks, now=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("markets", "0002_market_notes_and_categories"),
    ]

    operations = [
        migrations.RunPython(load_playbooks, migrations.RunPython.noop, elidable=False),
    ]
