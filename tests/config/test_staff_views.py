"""Every staff view of the project's apps checks its own permission: an account that may enter the admin but
holds no role is refused on each of them, by GET and by POST (URLs found by walking the URL configuration, so a
new view is swept too)."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import converters, get_resolver, reverse

from tests.admin_pages import refused

pytestmark = pytest.mark.django_db

OURS = (
    "campaign_actions",
    "outbox",
    "audit",
    "ambassador_data",
    "ambassador_import",
    "limesurvey_import",
    "survey_preview",
    "survey_files",
    "survey_builder",
    "ideas_moderation",
    "ideas_review",
    "reports",
)
SNIPPETS = (
    "wagtailsnippets_campaigns_",
    "wagtailsnippets_surveys_",
    "wagtailsnippets_ideas_",
    "wagtailsnippets_reports_",
)
SAMPLES = {
    converters.IntConverter: 1,
    converters.SlugConverter: "x",
    converters.StringConverter: "fr",
    converters.PathConverter: "x",
}


def staff_urls():
    resolver = get_resolver()
    found = set()
    for namespace, (_prefix, sub) in resolver.namespace_dict.items():
        if namespace not in OURS and not namespace.startswith(SNIPPETS):
            continue
        for name in sub.reverse_dict:
            if not isinstance(name, str):
                continue
            for _bits, _pattern, _defaults, converters_ in sub.reverse_dict.getlist(name):
                kwargs = {key: SAMPLES.get(type(converter), "1") for key, converter in converters_.items()}
                found.add(reverse(f"{namespace}:{name}", kwargs=kwargs))
    return sorted(found)


def test_the_sweep_finds_the_staff_views():
    urls = staff_urls()
    assert len(urls) > 40
    for expected in ("/admin/campaign-reports/", "/admin/ideas/moderation/"):
        assert expected in urls


@pytest.mark.parametrize("url", staff_urls())
def test_an_admin_account_without_a_role_is_refused(client, django_user_model, url):
    user = django_user_model.objects.create_user("sans-role", password="un mot de passe de test assez long")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    for response in (client.get(url), client.post(url, {"decision": "approve", "action": "launch"})):
        # refused, or a method or object that does not exist (which discloses nothing either); never the view
        assert refused(response) or response.status_code in (404, 405), (url, response.status_code)
