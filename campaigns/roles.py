"""Staff roles as groups, and the permissions each one holds. Each app's migrations grant the permissions on
its own models with ``grant``, so a role gains what a new feature needs in the migration that adds it."""

from campaigns.database.django_private import permissions_create

PRODUCT_TEAM = "Product team"
EDITOR = "Editor"
MODERATOR = "Moderator"
ANALYST = "Analyst"
ROLES = (PRODUCT_TEAM, EDITOR, MODERATOR, ANALYST)


def grant(apps, role_permissions, app_labels):
    """Give each role ("Product team", ...) its permissions ("app_label.codename"), creating groups as needed.

    ``app_labels`` are the apps whose permissions must exist first: Django creates them only after all
    migrations ran, so a migration that grants them creates them here.
    """
    for label in app_labels:
        permissions_create(apps, label)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, permissions in role_permissions.items():
        group, _created = Group.objects.get_or_create(name=role)
        for permission in permissions:
            app_label, codename = permission.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def crud(app_label, *models):
    return [f"{app_label}.{action}_{model}" for model in models for action in ("add", "change", "delete", "view")]
