"""The audit trail's entries: who did what, when, to what (and from which address, for sign-ins).

Wagtail's own log-entry model and machinery (``BaseLogEntry``: actions registered with the
``register_log_actions`` hook, their labels and messages, the site history's filters and exports) over a table
of our own, so that the trail is seen by superusers alone (``viewable_by_user``) and is purged after
``AUDIT_RETENTION_MONTHS`` without touching Wagtail's history of pages and snippets."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models.audit_log import (
    BaseLogEntry,
    BaseLogEntryManager,
    LogEntryQuerySet,
    ModelLogEntry,
    ModelLogEntryManager,
)


class AuditEntryQuerySet(LogEntryQuerySet):
    def with_instances(self):
        """(entry, its object or None), as Wagtail's site history asks: an entry with no row to point at (a sign-in
        to an unknown account, an import from the shell) has none."""
        entries = list(self)
        pointing = self.model.objects.filter(pk__in=[entry.pk for entry in entries if entry.object_id])
        found = dict(LogEntryQuerySet.with_instances(pointing))
        for entry in entries:
            yield entry, found.get(entry)


class AuditEntryManager(BaseLogEntryManager):
    def get_queryset(self):
        return AuditEntryQuerySet(self.model, using=self._db)

    def viewable_by_user(self, user):
        if user.is_active and user.is_superuser:
            return self.all()
        return self.none()

    def for_instance(self, instance):
        content_type = ContentType.objects.get_for_model(instance, for_concrete_model=False)
        return self.filter(content_type=content_type, object_id=str(instance.pk))


class AuditEntry(BaseLogEntry):
    object_id = models.CharField(_("n° de l'élément"), max_length=255, blank=True, db_index=True)
    address = models.GenericIPAddressField(_("adresse"), null=True, blank=True)

    objects = AuditEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = _("entrée du journal d'audit")
        verbose_name_plural = _("journal d'audit")

    def details(self):
        """The entry's data as one line of text ("invitations : 120 ; ajoutés : Équipe produit")."""
        return " ; ".join(
            f"{key} : {', '.join(map(str, value)) if isinstance(value, list) else value}"
            for key, value in sorted(self.data.items())
        )


PERSON_MODELS = ("campaigns.ambassador", "campaigns.invitation", "campaigns.reminderdelivery")


def person_label(instance):
    """How Wagtail's history names a row that is about a person: by its kind and number, never by the person's name
    or address (their ``str()``)."""
    return _("%(kind)s n° %(pk)s") % {"kind": str(instance._meta.verbose_name).capitalize(), "pk": instance.pk}


class PersonLogEntryManager(ModelLogEntryManager):
    def get_instance_title(self, instance):
        return str(person_label(instance))

    def viewable_by_user(self, user):
        """None: these rows are Wagtail's own ``ModelLogEntry`` rows, which the site history already lists (through
        Wagtail's model, with its permissions); listing them here too would show each twice."""
        return self.none()


class PersonLogEntry(ModelLogEntry):
    """Wagtail's history of the rows that are about a person (ambassadors, their invitations and reminders): the
    same table as Wagtail's ``ModelLogEntry``, written with a label that names no one (``person_label``), so the site
    history and its CSV never show "Name <address>"; registered for those models by the ``register_log_actions``
    hook."""

    objects = PersonLogEntryManager()

    class Meta:
        proxy = True
        verbose_name = _("entrée d'historique sur une personne")
