import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = _("Crée le compte administrateur de démonstration s'il n'existe pas et affiche ses identifiants.")

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, username, **options):
        path = Path(settings.VAR_DIR) / "admin_password"
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None or not path.exists():
            password = secrets.token_urlsafe(12)
            if user is None:
                user = User.objects.create_superuser(
                    username, f"{username}@localhost", password, first_name="Admin", last_name="Démo"
                )
            else:
                user.set_password(password)
                user.save()
            path.write_text(password)
            path.chmod(0o600)
        self.stdout.write(
            _("Administration : %(url)s/admin/  identifiant : %(user)s  mot de passe : %(password)s")
            % {"url": settings.SITE_URL, "user": username, "password": path.read_text().strip()}
        )
