"""The audit trail: each launch, close and archive of a campaign, ambassador import, erasure, personal-data
export, report export, role change (an account's groups or superuser flag) and sign-in (success, failure, lock)
becomes an ``AuditEntry``: who, when, what, and from which address for sign-ins.

The functions that do the work record it (``audit_record``), or one place per concern (signals for sign-ins and
role changes, which Django and Wagtail make). Who acted is by default the admin's current user (Wagtail's log
context, set for each admin request); none means the service itself (a schedule, the shell). The entries are
Wagtail log entries of our own model: superusers see them in *Rapports → Journal d'audit* and in Wagtail's site
history; nobody else. They are kept ``AUDIT_RETENTION_MONTHS`` months, then purged by the daily
``campaigns: audit retention`` schedule."""

import ipaddress
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogFormatter, get_active_log_context

from campaigns.models import PERSON_MODELS, Ambassador, AuditEntry, PersonLogEntry, person_label

LAUNCH = "audit.launch"
CLOSE = "audit.close"
ARCHIVE = "audit.archive"
IMPORT = "audit.import"
ERASE = "audit.erase"
PERSONAL_DATA_EXPORT = "audit.personal_data_export"
REPORT_EXPORT = "audit.report_export"
ROLE_CHANGE = "audit.role_change"
LOGIN = "audit.login"
LOGIN_FAILED = "audit.login_failed"
LOGIN_LOCKED = "audit.login_locked"
API_CALL = "audit.api_call"
API_REFUSED = "audit.api_refused"

LABELS = {
    LAUNCH: _("Campagne lancée"),
    CLOSE: _("Campagne close"),
    ARCHIVE: _("Campagne archivée"),
    IMPORT: _("Import d'ambassadeurs"),
    ERASE: _("Données d'un ambassadeur effacées"),
    PERSONAL_DATA_EXPORT: _("Données d'un ambassadeur exportées"),
    REPORT_EXPORT: _("Rapport exporté"),
    ROLE_CHANGE: _("Rôle modifié"),
    LOGIN: _("Connexion"),
    LOGIN_FAILED: _("Connexion refusée"),
    LOGIN_LOCKED: _("Connexion bloquée"),
    API_CALL: _("Appel de l'API"),
    API_REFUSED: _("Appel de l'API refusé"),
}
UNSET = object()


class AuditFormatter(LogFormatter):
    """An entry's message: its action's label, then its details."""

    def format_message(self, log_entry):
        details = log_entry.details()
        return f"{self.label} ({details})" if details else str(self.label)


def actions_register(actions):
    """Wagtail's ``register_log_actions`` hook: the trail's model and its actions, and the history of the rows about a
    person written with labels that name no one."""
    actions.register_model(AuditEntry, AuditEntry)
    for label in PERSON_MODELS:
        actions.register_model(apps.get_model(label), PersonLogEntry)
    for action, label in LABELS.items():
        actions.register_action(action)(type("Formatter", (AuditFormatter,), {"label": label}))


def action_choices():
    return [(action, label) for action, label in LABELS.items()]


def address_checked(address):
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def target_label(target):
    """How an entry names its object: never an ambassador's name or address."""
    if target._meta.label_lower in PERSON_MODELS:
        return str(person_label(target))
    return str(target)


def audit_record(action, *, target, label="", user=UNSET, address=None, data=None):
    """Record ``action`` on ``target`` (a model instance, or a model class when there is no row to point at) by
    ``user`` (by default the admin's current user; None: the service itself). Returns the entry."""
    if user is UNSET:
        user = get_active_log_context().user
    instance = None if isinstance(target, type) and issubclass(target, Model) else target
    model = type(instance) if instance is not None else target
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        object_id=str(instance.pk) if instance is not None else "",
        label=(label or (target_label(instance) if instance is not None else "")).strip()[:255] or "—",
        action=action,
        timestamp=timezone.now(),
        user_id=getattr(user, "pk", None),
        address=address_checked(address),
        data=data or {},
    )


def import_recorded(job=None, *, file_name="", report=None):
    """An ambassador import: from the admin (its ``AmbassadorImport``, by who started it) or from the shell (the
    file's name and the import's report)."""
    if job is not None:
        figures = {"état": job.status, "créés": job.created_count, "modifiés": job.updated_count}
        figures.update({"rejetés": job.rejected_count, "simulation": job.dry_run})
        return audit_record(IMPORT, target=job, label=job.file_name, user=job.created_by, data=figures)
    figures = {"créés": report.created, "modifiés": report.updated, "rejetés": report.rejected}
    return audit_record(IMPORT, target=Ambassador, label=str(file_name).rsplit("/", 1)[-1], user=None, data=figures)


def audit_purge(*, now=None):
    """Delete the entries older than ``AUDIT_RETENTION_MONTHS`` (0: keep them all); returns how many went."""
    if not settings.AUDIT_RETENTION_MONTHS:
        return 0
    limit = (now or timezone.now()) - timedelta(days=round(30.44 * settings.AUDIT_RETENTION_MONTHS))
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {AuditEntry._meta.db_table} WHERE timestamp < %s",
            [connection.ops.adapt_datetimefield_value(limit)],
        )
        return cursor.rowcount
