"""The editorial set-up of the site: editors write pages and submit them; the product team approves and
publishes (one approval workflow on the whole tree); both may upload images, documents and videos, and
translate pages. Wagtail's default "Editors" and "Moderators" groups give way to the roles. English becomes a
content language, and scheduled pages are published every minute by django-q2."""

from django.db import migrations

from campaigns.roles import EDITOR, PRODUCT_TEAM, grant

WORKFLOW = "Validation par l'équipe produit"
PAGE_PERMISSIONS = {
    EDITOR: ["add_page", "change_page"],
    PRODUCT_TEAM: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
MEDIA_PERMISSIONS = [("wagtailimages", action + "_image") for action in ("add", "change", "choose")] + [
    ("wagtaildocs", action + "_document") for action in ("add", "change", "choose")
]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    grant(
        apps,
        {EDITOR: ["simple_translation.submit_translation"], PRODUCT_TEAM: ["simple_translation.submit_translation"]},
        ["wagtailcore", "wagtailimages", "wagtaildocs", "simple_translation"],
    )
    root = Page.objects.get(depth=1)
    collection = apps.get_model("wagtailcore", "Collection").objects.get(depth=1)
    for role, codenames in PAGE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        for codename in codenames:
            apps.get_model("wagtailcore", "GroupPagePermission").objects.get_or_create(
                group=group,
                page=root,
                permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
            )
        for app_label, codename in MEDIA_PERMISSIONS:
            apps.get_model("wagtailcore", "GroupCollectionPermission").objects.get_or_create(
                group=group,
                collection=collection,
                permission=Permission.objects.get(content_type__app_label=app_label, codename=codename),
            )

    # One approval task (the product team's) in one workflow on the whole tree; Wagtail's default groups go.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Task = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    task = Task.objects.filter(name="Moderators approval").first() or Task.objects.create(
        name=WORKFLOW,
        active=True,
        content_type=ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")[0],
    )
    task.name = WORKFLOW
    task.save()
    task.groups.set([Group.objects.get(name=PRODUCT_TEAM)])
    workflow = Workflow.objects.filter(name="Moderators approval").first() or Workflow.objects.create(name=WORKFLOW)
    workflow.name = WORKFLOW
    workflow.active = True
    workflow.save()
    apps.get_model("wagtailcore", "WorkflowTask").objects.get_or_create(
        workflow=workflow, task=task, defaults={"sort_order": 0}
    )
    apps.get_model("wagtailcore", "WorkflowPage").objects.update_or_create(page=root, defaults={"workflow": workflow})
    Group.objects.filter(name__in=["Editors", "Moderators"]).delete()

    apps.get_model("wagtailcore", "Locale").objects.get_or_create(language_code="en")
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name="cms: publish scheduled pages",
        defaults={"func": "cms.tasks.publish_scheduled", "schedule_type": "I", "minutes": 1, "repeats": -1},
    )


def backwards(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name="cms: publish scheduled pages").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_campaign_and_roadmap_pages"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("simple_translation", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
