"""Copy DRF's ``authtoken`` keys into ``ApiToken`` (hashed, named "Migrated token") so deployed
clients keep working, then empty ``authtoken_token``: no key stays in clear. The authtoken app is
no longer installed; on a database that had it, its empty table stays behind (harmless; drop it
by hand if you like: ``DROP TABLE authtoken_token``)."""

from django.db import migrations
from django.utils import timezone


def copy(apps, schema_editor):
    from beachhead.core.tokens import copy_drf_tokens

    copy_drf_tokens(schema_editor.connection, apps.get_model("core", "ApiToken"), timezone.now())


class Migration(migrations.Migration):
    dependencies = [("core", "0006_sessions_and_api_tokens")]

    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
