from django.db import migrations

from campaigns.roles import ANALYST, EDITOR, MODERATOR, PRODUCT_TEAM, crud, grant

PRODUCTS = [
    ("compte-courant", "Compte courant"),
    ("carte-premium", "Carte premium"),
    ("livret-a", "Livret A"),
    ("ldds", "Livret de développement durable et solidaire"),
    ("pel", "Plan épargne logement"),
    ("assurance-vie", "Assurance vie"),
    ("pea", "Plan d'épargne en actions"),
    ("credit-immobilier", "Crédit immobilier"),
    ("credit-conso", "Crédit à la consommation"),
    ("assurance-habitation", "Assurance habitation"),
    ("appli-mobile", "Application mobile"),
]

ADMIN = "wagtailadmin.access_admin"


def forwards(apps, schema_editor):
    Product = apps.get_model("campaigns", "Product")
    for code, name in PRODUCTS:
        Product.objects.get_or_create(code=code, defaults={"name": name})
    grant(
        apps,
        {
            PRODUCT_TEAM: [
                ADMIN,
                *crud("campaigns", "ambassador", "segment", "segmentrule", "product", "tag"),
                "campaigns.add_ambassadorimport",
                "campaigns.view_ambassadorimport",
                "campaigns.view_outboxmessage",
            ],
            EDITOR: [
                ADMIN,
                "wagtailimages.add_image",
                "wagtailimages.change_image",
                "wagtailimages.choose_image",
                "wagtaildocs.add_document",
                "wagtaildocs.change_document",
                "wagtaildocs.choose_document",
            ],
            MODERATOR: [ADMIN],
            ANALYST: [ADMIN, "campaigns.view_segment"],
        },
        ["campaigns", "wagtailimages", "wagtaildocs"],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
