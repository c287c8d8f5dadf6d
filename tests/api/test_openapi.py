import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_the_openapi_document_validates_and_lists_every_endpoint(client):
    document = client.get("/api/v1/openapi.json").json()
    validate(document)
    assert "/api/v1/ambassadors/upsert" in document["paths"] and len(document["paths"]) == 13
    assert "/api/v1/campaigns/{campaign_id}/themes" in document["paths"]
    assert document["components"]["securitySchemes"]["KeyAuth"]["scheme"] == "bearer"


def test_the_browsable_docs_load_from_our_own_files(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and b"swagger-ui" in page.content and b"cdn." not in page.content
