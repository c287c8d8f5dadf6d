"""django-q2 entry points of the site."""

from django.core.management import call_command


def publish_scheduled():
    """Publish the pages (and unpublish those expiring) whose time has come: Wagtail's own command, every minute."""
    call_command("publish_scheduled")
