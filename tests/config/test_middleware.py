import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_public_pages_say_where_their_content_may_come_from(client, client_for, product_user):
    response = client.get("/fr/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy and "unsafe-eval" not in policy
    assert response["X-Content-Type-Options"] == "nosniff" and response["Referrer-Policy"] == "same-origin"
    assert "Content-Security-Policy" not in client_for(product_user).get(reverse("wagtailadmin_home"))


def test_a_404_from_a_view_stays_a_404_and_only_unknown_addresses_go_to_a_language(client):
    assert client.get(reverse("campaigns:landing", args=["inconnue"])).status_code == 404
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fr")["Location"] == "/fr/"
    assert client.get("/campagnes/", HTTP_ACCEPT_LANGUAGE="fr")["Location"] == "/fr/campagnes/"
