"""Subject tests: two to four subjects per campaign, the sample each invitation was drawn in, the decision."""

import django.core.validators
import django.db.models.deletion
import modelcluster.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0011_sending_pace"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="ab_decide_after",
            field=models.PositiveSmallIntegerField(
                default=4,
                help_text="Le reste de l'audience reçoit ensuite l'objet gagnant (le premier, sans différence nette).",
                validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(336)],
                verbose_name="décision après (heures)",
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="ab_decide_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="décision du test prévue le"
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="ab_decided_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="test d'objets décidé le"),
        ),
        migrations.AddField(
            model_name="campaign",
            name="ab_metric",
            field=models.CharField(
                choices=[("opens", "Ouvertures (humaines estimées)"), ("clicks", "Clics")],
                default="opens",
                help_text="Ce qui départage les objets : les ouvertures humaines estimées ou les clics.",
                max_length=10,
                verbose_name="critère du test d'objets",
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="ab_p_value",
            field=models.FloatField(blank=True, editable=False, null=True, verbose_name="valeur p du test"),
        ),
        migrations.AddField(
            model_name="campaign",
            name="ab_sample_percent",
            field=models.PositiveSmallIntegerField(
                default=20,
                help_text="Tirée au hasard au lancement et partagée également entre les objets.",
                validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(100)],
                verbose_name="part de l'audience testée (%)",
            ),
        ),
        migrations.AddField(
            model_name="invitation",
            name="ab_sample",
            field=models.BooleanField(db_default=False, verbose_name="dans l'échantillon du test d'objets"),
        ),
        migrations.CreateModel(
            name="SubjectVariant",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("sort_order", models.IntegerField(blank=True, editable=False, null=True)),
                ("subject_fr", models.CharField(max_length=200, verbose_name="objet (français)")),
                (
                    "subject_en",
                    models.CharField(
                        blank=True,
                        help_text="Obligatoire quand la campagne a un e-mail en anglais.",
                        max_length=200,
                        verbose_name="objet (anglais)",
                    ),
                ),
                (
                    "campaign",
                    modelcluster.fields.ParentalKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="subject_variants",
                        to="campaigns.campaign",
                    ),
                ),
            ],
            options={
                "verbose_name": "objet testé",
                "verbose_name_plural": "objets testés",
                "ordering": ["sort_order"],
                "abstract": False,
            },
        ),
        migrations.AddField(
            model_name="campaign",
            name="ab_winner",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="campaigns.subjectvariant",
                verbose_name="objet gagnant",
            ),
        ),
        migrations.AddField(
            model_name="invitation",
            name="subject_variant",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="invitations",
                to="campaigns.subjectvariant",
                verbose_name="objet testé",
            ),
        ),
        migrations.AddIndex(
            model_name="invitation",
            index=models.Index(fields=["campaign", "ab_sample", "subject_variant"], name="invitation_subject_test"),
        ),
        migrations.AddConstraint(
            model_name="campaign",
            constraint=models.CheckConstraint(
                condition=models.Q(("ab_sample_percent__gte", 1), ("ab_sample_percent__lte", 100)),
                name="campaign_ab_sample_percent_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="campaign",
            constraint=models.CheckConstraint(
                condition=models.Q(("ab_metric__in", ["opens", "clicks"])), name="campaign_ab_metric_known"
            ),
        ),
    ]
