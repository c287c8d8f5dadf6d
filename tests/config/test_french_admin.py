"""The admin reads as French to French staff: no "(e)" placeholders of genderless translations, no raw "True" or
"False" in lists, no English left on the login page; key pages rendered as the product team sees them."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.config.test_role_matrix import build_objects

pytestmark = pytest.mark.django_db

FORBIDDEN = re.compile(r"\w\((e|la|tte|s|es)\)|\b(True|False|Password)\b")


def visible_text(html):
    """The page's text as read, scripts, styles and attributes left out."""
    html = re.sub(r"(?s)<(script|style|template)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<!--.*?-->", " ", html)
    return re.sub(r"<[^>]+>", " ", html)


def wrong_words(html):
    return sorted({match.group(0) for match in FORBIDDEN.finditer(visible_text(html))})


def test_login_page_is_all_french(client):
    with translation.override("fr"):
        page = client.get(reverse("wagtailadmin_login"), HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 200
    assert wrong_words(page.content.decode()) == []
    assert "Mot de passe" in page.content.decode()


def key_pages(pks):
    yield reverse("wagtailsnippets_campaigns_ambassador:add")
    yield reverse("wagtailsnippets_campaigns_segment:add")
    yield reverse("wagtailsnippets_campaigns_segment:edit", args=[pks["segment"]])
    yield reverse("wagtailsnippets_campaigns_campaign:edit", args=[pks["campaign"]])
    yield reverse("campaign_actions:overview", args=[pks["campaign"]])
    yield reverse("campaign_actions:checklist", args=[pks["campaign"]])
    yield reverse("wagtailsnippets_surveys_question:edit", args=[pks["question"]])
    yield reverse("reports:campaign", args=[pks["campaign"]])
    for model in ("campaigns/ambassador", "campaigns/segment", "campaigns/campaign", "campaigns/invitation"):
        yield f"/admin/snippets/{model}/"
    for model in ("surveys/survey", "surveys/question", "ideas/board", "ideas/idea", "ideas/comment"):
        yield f"/admin/snippets/{model}/"


def test_key_admin_pages_read_as_french(client, admin_user):
    pks = build_objects(admin_user)
    client.force_login(admin_user)
    wrong = {}
    for url in key_pages(pks):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
        assert page.status_code == 200, url
        found = wrong_words(page.content.decode())
        if found:
            wrong[url] = found
    assert wrong == {}


def test_messages_after_saving_have_no_placeholder(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("wagtailsnippets_campaigns_tag:add"), {"name": "fidèle"}, follow=True, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert wrong_words(response.content.decode()) == []
    assert "« fidèle »" in response.content.decode()
