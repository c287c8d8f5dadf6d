"""Who reads a kept email: ambassadors' mail is read by the product team, staff mail by its addressee and
superusers. What was kept before is sorted as well as can be now: a message whose recipients name a staff
account's address (password resets, Wagtail's notifications...) becomes staff mail for superusers alone."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def sort_kept_mail(apps, schema_editor):
    OutboxMessage = apps.get_model("campaigns", "OutboxMessage")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    OutboxMessage.objects.update(audience="ambassadors")
    for address in User.objects.exclude(email="").values_list("email", flat=True).distinct():
        OutboxMessage.objects.filter(to__icontains=address.strip()).update(audience="staff")


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0006_retention"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="addressee",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="compte destinataire",
            ),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="audience",
            field=models.CharField(
                choices=[("ambassadors", "ambassadeurs"), ("staff", "équipe")],
                default="staff",
                max_length=12,
                verbose_name="pour",
            ),
        ),
        migrations.AddConstraint(
            model_name="outboxmessage",
            constraint=models.CheckConstraint(
                condition=models.Q(("addressee__isnull", True), ("audience", "staff"), _connector="OR"),
                name="outbox_addressee_only_on_staff_mail",
            ),
        ),
        migrations.RunPython(sort_kept_mail, migrations.RunPython.noop),
    ]
