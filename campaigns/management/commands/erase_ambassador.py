from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from campaigns.audience.personal_data import ambassador_erase
from campaigns.models import Ambassador


class Command(BaseCommand):
    help = _(
        "Efface l'identité d'un ambassadeur (droit à l'effacement) : ses contributions restent, anonymes, "
        "et il n'est plus jamais contacté."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--yes", action="store_true", help=_("confirme l'effacement, qui est définitif"))

    def handle(self, email, yes=False, **options):
        ambassador = Ambassador.objects.filter(email=email.strip().lower()).first()
        if ambassador is None:
            raise CommandError(_("%(email)s : aucun ambassadeur n'a cette adresse.") % {"email": email})
        if not yes:
            raise CommandError(_("L'effacement est définitif : relancez avec --yes pour le confirmer."))
        erasure = ambassador_erase(ambassador)
        self.stdout.write(_("Ambassadeur n° %(pk)s effacé.") % {"pk": ambassador.pk})
        for line in erasure.done:
            self.stdout.write(f"- {line}")
