"""The REST API under /api/v1/: django-ninja, its OpenAPI document at /api/v1/openapi.json, browsable docs at
/api/v1/docs (Swagger UI, served from our own static files)."""

from ninja import NinjaAPI

from api.auth import AddressRateThrottle, KeyAuth, KeyRateThrottle
from api.endpoints import ambassadors, campaigns, reports, segments

api = NinjaAPI(
    title="Ambassadeurs API",
    version="1",
    description=(
        "Integration API of the co-creation service. Authenticate with `Authorization: Bearer <key>`: a key acts "
        "with the permissions of one staff role; every call is written to the audit trail; figures about people "
        "pass the privacy layer (k = PRIVACY_THRESHOLD)."
    ),
    auth=KeyAuth(),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    throttle=[KeyRateThrottle("600/m"), AddressRateThrottle("600/m")],
)
for module in (ambassadors, segments, campaigns, reports):
    api.add_router("", module.router)
