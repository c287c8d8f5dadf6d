"""A key of each role, and a client that calls the API with one."""

import json

import pytest

from api.keys import key_create
from api.models import Role

ROLE_KEYS = {"product": Role.PRODUCT_TEAM, "editor": Role.EDITOR, "moderator": Role.MODERATOR, "analyst": Role.ANALYST}


class ApiClient:
    def __init__(self, client, key_text):
        self.client, self.key_text = client, key_text

    def _headers(self):
        return {"Authorization": f"Bearer {self.key_text}"} if self.key_text else {}

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self._headers())

    def post(self, path, body=None):
        return self.client.post(
            f"/api/v1{path}", json.dumps(body or {}), content_type="application/json", headers=self._headers()
        )


@pytest.fixture
def keys(db):
    """{role nickname: key text} for a fresh key of each of the four roles."""
    return {nick: key_create(name=f"crm-{nick}", role=role)[1] for nick, role in ROLE_KEYS.items()}


@pytest.fixture
def api_for(client, keys):
    """``api_for("analyst")``: an API client with the analyst's key (``api_for(None)``: without one)."""

    def make(nick, text=None):
        return ApiClient(client, text or (keys[nick] if nick else None))

    return make
