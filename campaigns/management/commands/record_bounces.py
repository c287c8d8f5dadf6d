from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from campaigns.sending.bounces import bounces_record_file


class Command(BaseCommand):
    help = _("Enregistre les rejets définitifs d'un fichier : une adresse par ligne, ou des avis de non-remise (DSN).")

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, path, **options):
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                result = bounces_record_file(handle)
        except OSError as exc:
            raise CommandError(
                _("Impossible de lire %(path)s : %(error)s") % {"path": path, "error": exc.strerror}
            ) from None
        for number in result["unreadable"]:
            self.stderr.write(_("ligne %(row)s : ni une adresse e-mail ni un champ Final-Recipient.") % {"row": number})
        for address in result["unknown"]:
            self.stderr.write(_("%(email)s : aucun ambassadeur n'a cette adresse.") % {"email": address})
        self.stdout.write(_("%(count)s adresses marquées comme rejetées.") % {"count": result["bounced"]})
