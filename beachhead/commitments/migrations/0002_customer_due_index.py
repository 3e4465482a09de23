"""Promises made to a customer, by due time, in a partial index (rows without a customer left
out): the customer-360 page reads them through it on SQLite and PostgreSQL, however many
customer-less promises the table holds. MySQL and MariaDB have no partial indexes: Django
creates it there without its condition (and warns, models.W037)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                condition=models.Q(("customer_type__isnull", False)),
                fields=["customer_type", "customer_id", "due_at"],
                name="commitment_customer_due",
            ),
        ),
    ]
