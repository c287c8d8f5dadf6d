from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from campaigns.demo import seed_audience, seed_campaign, seed_closed_campaign
from cms.demo import seed_pages
from ideas.demo import CLOSED_IDEAS, LIVE_IDEAS, seed_board
from surveys.demo import seed_survey


class Command(BaseCommand):
    help = _("Charge les données de démonstration (idempotent : une seconde exécution n'ajoute rien).")

    def add_arguments(self, parser):
        parser.add_argument("--ambassadors", type=int, default=3000)

    def handle(self, ambassadors, **options):
        added = seed_audience(ambassadors)
        self.stdout.write(_("Démonstration : %(count)s ambassadeurs ajoutés.") % {"count": added})
        campaign = seed_campaign(prepare=seed_survey)
        seed_survey(campaign)  # a demo campaign seeded before surveys existed gets its survey too
        seed_board(campaign, LIVE_IDEAS)
        closed = seed_closed_campaign()
        seed_board(closed, CLOSED_IDEAS, days_ago=110)
        pages = seed_pages(campaign, closed)
        self.stdout.write(
            _(
                "Campagne de démonstration « %(title)s » : ses invitations arrivent dans la boîte d'envoi "
                "de l'administration."
            )
            % {"title": campaign.title}
        )
        self.stdout.write(_("Site publié : %(url)s") % {"url": settings.SITE_URL.rstrip("/") + pages["home"].url})
