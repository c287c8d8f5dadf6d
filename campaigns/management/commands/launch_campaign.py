from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from campaigns.sending.launch import LaunchError, campaign_launch


class Command(BaseCommand):
    help = _("Lance une campagne : crée les invitations et met les envois en file d'attente.")

    def add_arguments(self, parser):
        parser.add_argument("slug")

    def handle(self, slug, **options):
        campaign = Campaign.objects.filter(slug=slug).first()
        if campaign is None:
            raise CommandError(_("Aucune campagne n'a l'identifiant « %(slug)s ».") % {"slug": slug})
        try:
            created = campaign_launch(campaign)
        except LaunchError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(_("%(count)s invitations créées ; l'envoi est en cours.") % {"count": created})
