"""The audit trail's role changes: an account's groups (its roles) and its superuser flag, however they change
(Wagtail's user and group pages, the shell, a migration's data), recorded from one place, the signals Django
sends for the membership table and the account row. Who changed them is the admin's current user (none: the
shell)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_save, pre_save

from campaigns.audit import trail
from campaigns.audit.trail import audit_record

CHANGES = {"post_add": "ajoutés", "post_remove": "retirés", "pre_clear": "retirés"}
SUPERUSER_BEFORE = "_audit_superuser_before"


def _recorded(user, data):
    audit_record(trail.ROLE_CHANGE, target=user, label=user.get_username(), data=data)


def groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A user's groups changed (``user.groups``), or a group's users (``group.user_set``): one entry per account."""
    if action not in CHANGES:
        return
    User = get_user_model()
    if reverse:  # group.user_set.add(...), .remove(...), .clear()
        users = User.objects.filter(pk__in=pk_set) if pk_set is not None else instance.user_set.all()
        names = [instance.name]
    else:
        users = [instance]
        groups = Group.objects.filter(pk__in=pk_set) if pk_set is not None else instance.groups.all()
        names = sorted(groups.values_list("name", flat=True))
    if names:
        for user in users:
            _recorded(user, {CHANGES[action]: names})


def superuser_before(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and "is_superuser" not in update_fields):
        return
    before = False
    if instance.pk is not None:
        before = sender.objects.filter(pk=instance.pk).values_list("is_superuser", flat=True).first() or False
    setattr(instance, SUPERUSER_BEFORE, before)


def superuser_after(sender, instance, raw=False, **kwargs):
    before = instance.__dict__.pop(SUPERUSER_BEFORE, None)
    if before is not None and before != instance.is_superuser:
        _recorded(instance, {"superutilisateur": instance.is_superuser})


def connect():
    User = get_user_model()
    m2m_changed.connect(groups_changed, sender=User.groups.through, dispatch_uid="audit.groups_changed")
    pre_save.connect(superuser_before, sender=User, dispatch_uid="audit.superuser_before")
    post_save.connect(superuser_after, sender=User, dispatch_uid="audit.superuser_after")
