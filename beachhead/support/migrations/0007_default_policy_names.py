"""The default SLA policies' names in Chinese and Japanese, so readers of those languages see
them in their own (a policy someone renamed, or named already, is left alone)."""

from django.db import migrations

NAMES = {
    "Strategic accounts · urgent": {"zh-hans": "战略客户 · 紧急", "ja": "戦略アカウント・緊急"},
    "Urgent": {"zh-hans": "紧急", "ja": "緊急"},
    "High": {"zh-hans": "高", "ja": "高"},
    "Normal": {"zh-hans": "普通", "ja": "通常"},
    "Low": {"zh-hans": "低", "ja": "低"},
}


def name(apps, schema_editor):
    SlaPolicy = apps.get_model("support", "SlaPolicy")
    for policy in SlaPolicy.objects.filter(name__in=NAMES):
        if not policy.names:
            policy.names = NAMES[policy.name]
            policy.save(update_fields=["names"])


class Migration(migrations.Migration):
    dependencies = [("support", "0006_names_in_languages")]

    operations = [migrations.RunPython(name, migrations.RunPython.noop)]
