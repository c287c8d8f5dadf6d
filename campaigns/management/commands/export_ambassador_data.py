import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from campaigns.audience.personal_data import ambassador_export
from campaigns.models import Ambassador


class Command(BaseCommand):
    help = _("Écrit en JSON tout ce que le service détient sur un ambassadeur (droit d'accès).")

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--output", help=_("fichier où écrire (sinon la sortie standard)"))

    def handle(self, email, output=None, **options):
        ambassador = Ambassador.objects.filter(email=email.strip().lower()).first()
        if ambassador is None:
            raise CommandError(_("%(email)s : aucun ambassadeur n'a cette adresse.") % {"email": email})
        text = json.dumps(ambassador_export(ambassador), ensure_ascii=False, indent=2)
        if output:
            try:
                with open(output, "w", encoding="utf-8") as handle:
                    handle.write(text)
            except OSError as exc:
                raise CommandError(
                    _("Impossible d'écrire %(path)s : %(error)s") % {"path": output, "error": exc.strerror}
                ) from None
        else:
            self.stdout.write(text)
