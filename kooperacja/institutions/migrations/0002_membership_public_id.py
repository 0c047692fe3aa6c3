# Memberships get a public id for the staff pages' URLs. Three steps, because existing rows
# need a distinct UUID each before the column can be unique.

import uuid

from django.db import migrations, models


def give_each_membership_its_own_id(apps, schema_editor):
    Membership = apps.get_model("institutions", "Membership")
    for membership in Membership.objects.only("pk").iterator():
        Membership.objects.filter(pk=membership.pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, null=True, verbose_name="public id"),
        ),
        migrations.RunPython(give_each_membership_its_own_id, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="membership",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name="public id"),
        ),
    ]
