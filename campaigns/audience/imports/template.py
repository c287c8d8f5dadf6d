"""The file to start from: a CSV (UTF-8 with a byte order mark, ``;``, as French Excel opens it) naming every
column an import reads, with one example row written as the lists show it (labels, not codes)."""

import csv
import io

from django.utils.translation import gettext as _

from campaigns.models import AgeBand, Locale, Product, Region

HEADER = ["email", "prenom", "nom", "langue", "region", "tranche_age", "client_depuis", "produits", "etiquettes"]
HEADER.append("consentement")


def template_csv():
    """The template's text."""
    products = list(Product.objects.order_by("code").values_list("code", flat=True)[:2])
    example = [
        "lea.martin@exemple.fr",
        "Léa",
        "Martin",
        str(Locale.FR.label),
        str(Region.BRETAGNE.label),
        str(AgeBand.A35_44.label),
        "15/03/2012",
        "|".join(products),
        "client-fidele",
        _("oui"),
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows([HEADER, example])
    return "\ufeff" + buffer.getvalue()
