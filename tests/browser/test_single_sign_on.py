"""A staff member signs in through the bank's identity provider, in a real Chromium: the button on Wagtail's login
page, the provider's own login form (django-oidc-provider in its own process on loopback), back to the admin with
the role the provider's groups give. Photographed for docs/screenshots/single-sign-on-*.png."""

import re

import pytest
from django.contrib.auth import get_user_model

from campaigns.roles import ANALYST, MODERATOR, PRODUCT_TEAM, ROLES
from tests.browser.conftest import screenshot
from tests.conftest import PROVIDER_PASSWORD

AMBASSADORS = "/admin/snippets/campaigns/ambassador/"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def provider_sign_in(page, username):
    page.goto("/admin/login/")
    page.get_by_role("link", name="Se connecter avec l'authentification unique").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))  # the provider's page, on its own address
    page.fill("#id_username", username)
    page.fill("#id_password", PROVIDER_PASSWORD)
    return page


def roles(email):
    user = get_user_model().objects.get(email=email)
    return sorted(user.groups.filter(name__in=ROLES).values_list("name", flat=True))


def test_staff_sign_in_through_the_identity_provider_and_land_with_their_role(browser, live_server, single_sign_on):
    single_sign_on.seed(["http://testserver/oidc/callback/", f"{live_server.url}/oidc/callback/"], single_sign_on.users)
    page = browser()
    page.goto("/admin/login/")
    screenshot(page, "single-sign-on-login", full_page=False)
    provider_sign_in(page, "claire")
    screenshot(page, "single-sign-on-provider", full_page=False)
    page.locator("#provider-sign-in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    screenshot(page, "single-sign-on-product-team", full_page=False)
    assert roles("claire.martin@banque.example") == [PRODUCT_TEAM]
    page.goto(AMBASSADORS)  # the product team's: the ambassadors' personal data
    assert page.url.endswith(AMBASSADORS)

    analyst = provider_sign_in(browser(), "hugo")
    analyst.locator("#provider-sign-in").click()
    analyst.wait_for_url(re.compile(r"/admin/$"))
    assert roles("hugo.petit@banque.example") == [ANALYST, MODERATOR]
    analyst.goto(AMBASSADORS)  # no personal data for an analyst: sent back to the dashboard
    assert analyst.url.endswith("/admin/")
    analyst.goto("/admin/ideas/moderation/")  # the moderator's queue
    assert analyst.url.endswith("/admin/ideas/moderation/")

    refused = provider_sign_in(browser(), "nina")  # no group of hers gives a role
    refused.locator("#provider-sign-in").click()
    refused.wait_for_url(re.compile(r"/admin/login/$"))
    assert refused.get_by_text("aucun de vos groupes ne donne de rôle dans ce service").is_visible()
    screenshot(refused, "single-sign-on-refused", full_page=False)
