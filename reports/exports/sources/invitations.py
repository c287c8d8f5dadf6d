"""The invitations table: one row per invitation of the campaign, what became of it (sent, opened, clicked,
answered...) and who it went to (their email address only when identities may be shown).

For a campaign whose survey is anonymous (``anonymous``) the table carries nothing to join it to the responses: no
invitation number, no email address, days rather than moments (the moment of answering lined each response up
with its invitation), and rows in an order drawn for each export."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import AgeBand, Invitation, Locale, Region
from reports import rates
from reports.exports.sources import Table, labels, zone
from reports.exports.streaming import stream

TIME = "time"
EMAIL = "ambassador__email"
EXTERNAL_ID = "ambassador__external_id"
# (field, header, how its value is shown: by the label of these choices, as a local time, or as stored)
COLUMNS = [
    ("pk", gettext_lazy("Invitation"), None),
    (EMAIL, gettext_lazy("Adresse e-mail"), None),
    ("ambassador__region", gettext_lazy("Région"), Region),
    ("ambassador__age_band", gettext_lazy("Tranche d'âge"), AgeBand),
    ("ambassador__locale", gettext_lazy("Langue"), Locale),
    ("status", gettext_lazy("État"), Invitation.Status),
    ("sent_at", gettext_lazy("Envoyée le"), TIME),
    ("bounced_at", gettext_lazy("Rejetée le"), TIME),
    ("first_opened_at", gettext_lazy("Première ouverture"), TIME),
    ("first_human_open_at", gettext_lazy("Première ouverture humaine estimée"), TIME),
    ("open_count", gettext_lazy("Ouvertures"), None),
    ("first_clicked_at", gettext_lazy("Premier clic"), TIME),
    ("first_human_click_at", gettext_lazy("Premier clic humain estimé"), TIME),
    ("click_count", gettext_lazy("Clics"), None),
    ("responded_at", gettext_lazy("A répondu le"), TIME),
    ("unsubscribed_at", gettext_lazy("Désinscrit le"), TIME),
    (EXTERNAL_ID, gettext_lazy("Identifiant externe"), None),  # the CRM's, so the bank can join the rows back
]


def invitations_table(campaign, *, anonymous=False):
    columns = [column for column in COLUMNS if not (anonymous and column[0] in ("pk", EMAIL, EXTERNAL_ID))]
    fields = [field for field, _header, _shown in columns]
    labelled = [(index, labels(shown)) for index, (*_rest, shown) in enumerate(columns) if shown not in (None, TIME)]
    times = [index for index, (*_rest, shown) in enumerate(columns) if shown == TIME]
    queryset = rates.campaign_invitations(campaign).order_by("?" if anonymous else "pk")

    def rows():
        here = zone()
        for values in stream(queryset.values_list(*fields)):
            row = list(values)
            for index, names in labelled:
                row[index] = names.get(row[index], row[index])
            for index in times:
                if row[index] is not None:
                    moment = row[index].astimezone(here).replace(tzinfo=None)
                    row[index] = moment.date() if anonymous else moment
            yield row

    header = [str(header) for _field, header, _shown in columns]
    return Table("invitations", _("Invitations"), header, queryset.count, rows)
