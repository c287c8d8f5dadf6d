"""Staff single sign-on (``campaigns.accounts.single_sign_on``) against a real OpenID Connect provider,
django-oidc-provider run in its own process on loopback (``oidc_provider``): accounts created and updated from
its claims, its groups mapped to our roles, refusals, the id token's signature and nonce checked; local passwords
turned off by ``PASSWORD_LOGIN``."""

import base64
import json
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse

from campaigns.accounts.single_sign_on import SingleSignOn
from campaigns.audit import trail
from campaigns.models import AuditEntry
from campaigns.roles import ANALYST, EDITOR, MODERATOR, PRODUCT_TEAM, ROLES
from tests.campaigns.accounts.test_logins import attempt, signed_in
from tests.conftest import PASSWORD, PROVIDER_PASSWORD
from tests.oidc_provider.server import CLIENT_ID, CLIENT_SECRET

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver/oidc/callback/"


def provider_sign_in(browser, url, username, password=PROVIDER_PASSWORD):
    """Through the provider's login form as a browser would (``browser``: a requests session): the address it
    sends the staff member back to, on our side."""
    page = browser.get(url)
    assert page.status_code == 200 and 'id="provider-sign-in"' in page.text, page.text[:300]
    token = browser.cookies["idp_csrftoken"]
    answer = browser.post(
        page.url, {"username": username, "password": password, "csrfmiddlewaretoken": token}, allow_redirects=False
    )
    while answer.is_redirect and not answer.headers["Location"].startswith("http://testserver/"):
        answer = browser.get(requests.compat.urljoin(answer.url, answer.headers["Location"]), allow_redirects=False)
    assert answer.is_redirect, answer.text[:300]
    return answer.headers["Location"]


def sign_in(client, username, **credentials):
    """The whole journey: our button, the provider's form, our callback. The callback's answer."""
    start = client.get(reverse("oidc_authentication_init") + "?next=/admin/")
    assert start.status_code == 302
    back = provider_sign_in(requests.Session(), start["Location"], username, **credentials)
    return client.get(back.removeprefix("http://testserver"))


def roles(user):
    return sorted(user.groups.filter(name__in=ROLES).values_list("name", flat=True))


def test_the_role_settings_name_the_four_roles_of_campaigns_roles():
    assert sorted(django_settings.OIDC_ROLE_GROUPS) == sorted(ROLES)


def test_without_a_client_id_single_sign_on_is_off(client):
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback")).status_code == 404
    assert "authentification unique" not in client.get(reverse("wagtailadmin_login")).content.decode()


def test_the_login_page_offers_single_sign_on(client, single_sign_on):
    page = client.get(reverse("wagtailadmin_login")).content.decode()
    assert "Se connecter avec l'authentification unique" in page
    assert 'href="/oidc/authenticate/?next=' in page


def test_a_new_staff_member_is_created_with_the_role_their_groups_map_to(client, single_sign_on):
    answer = sign_in(client, "claire")
    assert answer.status_code == 302 and answer["Location"] == "/admin/"
    assert signed_in(client)
    claire = get_user_model().objects.get(email="claire.martin@banque.example")
    assert (claire.username, claire.first_name, claire.last_name) == (
        "claire.martin@banque.example",
        "Claire",
        "Martin",
    )
    assert roles(claire) == [PRODUCT_TEAM]
    assert not claire.has_usable_password() and not claire.is_superuser
    assert AuditEntry.objects.filter(action=trail.LOGIN, object_id=str(claire.pk)).count() == 1


def test_an_existing_account_is_updated_and_its_roles_follow_the_provider(client, single_sign_on, django_user_model):
    hugo = django_user_model.objects.create_user("hugo", email="Hugo.Petit@banque.example", first_name="H")
    hugo.groups.add(Group.objects.get(name=EDITOR), Group.objects.create(name="Comité local"))
    sign_in(client, "hugo")
    hugo.refresh_from_db()
    assert roles(hugo) == [ANALYST, MODERATOR]  # both mapped groups; the editor role the provider no longer gives
    assert "Comité local" in hugo.groups.values_list("name", flat=True)  # not a role: left alone
    assert (hugo.username, hugo.email, hugo.first_name) == ("hugo", "hugo.petit@banque.example", "Hugo")
    assert signed_in(client)
    changes = AuditEntry.objects.filter(action=trail.ROLE_CHANGE, object_id=str(hugo.pk))
    assert changes.count() >= 2  # the editor role taken away, the two roles given: in the audit trail


def test_a_staff_member_no_mapped_group_names_is_refused(client, single_sign_on):
    answer = sign_in(client, "nina")
    assert answer.status_code == 302 and answer["Location"] == reverse("wagtailadmin_login")
    assert not signed_in(client)
    assert not get_user_model().objects.filter(email="nina.roux@banque.example").exists()
    page = client.get(reverse("wagtailadmin_login")).content.decode()
    assert "aucun de vos groupes ne donne de rôle dans ce service" in page


def test_a_superuser_is_never_signed_in_by_the_provider(client, single_sign_on, admin_user):
    sign_in(client, "admin")  # the provider names admin@banque.example, our superuser's address
    assert not signed_in(client)
    assert (
        "un superutilisateur se connecte avec son mot de passe"
        in client.get(reverse("wagtailadmin_login")).content.decode()
    )


def test_a_wrong_password_at_the_provider_signs_no_one_in(client, single_sign_on):
    start = client.get(reverse("oidc_authentication_init"))
    browser = requests.Session()
    page = browser.get(start["Location"])
    token = browser.cookies["idp_csrftoken"]
    answer = browser.post(page.url, {"username": "claire", "password": "faux", "csrfmiddlewaretoken": token})
    assert answer.status_code == 200 and 'id="provider-sign-in"' in answer.text
    assert not get_user_model().objects.filter(email="claire.martin@banque.example").exists()


def test_a_callback_with_a_forged_state_is_refused(client, single_sign_on):
    client.get(reverse("oidc_authentication_init"))
    answer = client.get(reverse("oidc_authentication_callback"), {"code": "x", "state": "forged"})
    assert answer.status_code == 400  # Django's answer to a SuspiciousOperation: the provider is never called
    assert not signed_in(client)


# --- the id token: signature and nonce, checked by mozilla-django-oidc ------------------------------------------


def real_id_token(provider, nonce):
    """An id token of the provider for claire, asked for as our service does (code, then token endpoint)."""
    query = {"response_type": "code", "client_id": CLIENT_ID, "redirect_uri": CALLBACK, "scope": "openid email"}
    query.update(state="state", nonce=nonce)
    back = provider_sign_in(requests.Session(), f"{provider.issuer}/authorize?{urlencode(query)}", "claire")
    code = parse_qs(urlsplit(back).query)["code"][0]
    answer = requests.post(
        f"{provider.issuer}/token",
        {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK},
        auth=(CLIENT_ID, CLIENT_SECRET),
        timeout=10,
    )
    return answer.json()["id_token"]


def b64(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_the_id_tokens_signature_and_nonce_are_checked(single_sign_on):
    token = real_id_token(single_sign_on, nonce="le-nonce")
    backend = SingleSignOn()
    claims = backend.verify_token(token, nonce="le-nonce")
    assert claims["aud"] == CLIENT_ID and claims["iss"] == single_sign_on.issuer
    with pytest.raises(SuspiciousOperation, match="Nonce"):
        backend.verify_token(token, nonce="un-autre")  # a token obtained for another sign-in
    header, _payload, signature = token.split(".")
    tampered = f"{header}.{b64({**claims, 'sub': 'quelqu-un-d-autre'})}.{signature}"
    with pytest.raises(SuspiciousOperation, match="verification failed"):
        backend.verify_token(tampered, nonce="le-nonce")
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = jwt.get_unverified_header(token)["kid"]
    forged = jwt.encode({**claims, "sub": "quelqu-un-d-autre"}, forger, algorithm="RS256", headers={"kid": kid})
    with pytest.raises(SuspiciousOperation, match="verification failed"):
        backend.verify_token(forged, nonce="le-nonce")  # signed by another key than the provider's
    unsigned = jwt.encode(claims, None, algorithm="none")
    with pytest.raises(SuspiciousOperation):
        backend.verify_token(unsigned, nonce="le-nonce")


# --- local passwords ---------------------------------------------------------------------------------------


def test_with_password_login_off_no_password_opens_the_admin(client, settings, admin_user, product_user):
    settings.PASSWORD_LOGIN = "none"
    page = client.get(reverse("wagtailadmin_login")).content.decode()
    assert 'name="password"' not in page
    answer = attempt(client, "produit", PASSWORD)
    assert "La connexion par mot de passe est désactivée" in answer.content.decode()
    attempt(client, "admin", PASSWORD)
    assert not signed_in(client)


def test_with_password_login_for_superusers_only_staff_use_single_sign_on(client, settings, admin_user, product_user):
    settings.PASSWORD_LOGIN = "superusers"
    answer = attempt(client, "produit", PASSWORD)
    assert "Seuls les superutilisateurs se connectent par mot de passe" in answer.content.decode()
    assert not signed_in(client)
    attempt(client, "admin", PASSWORD)
    assert signed_in(client)


def test_staff_sign_in_through_the_provider_with_password_login_off(client, settings, single_sign_on):
    settings.PASSWORD_LOGIN = "none"
    assert re.search(r"authentification unique", client.get(reverse("wagtailadmin_login")).content.decode())
    sign_in(client, "claire")
    assert signed_in(client)
