from copy import copy

from anymail import urls as anymail_urls
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from api.urls import api
from campaigns.accounts.single_sign_on import SignInCallback, SignInStart
from campaigns.sending.bounces import esp_webhook

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    # Staff single sign-on (OpenID Connect): 404 while OIDC_RP_CLIENT_ID is unset.
    path("oidc/authenticate/", SignInStart.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", SignInCallback.as_view(), name="oidc_authentication_callback"),
    path("api/v1/", api.urls),
    path("", include("campaigns.urls")),
    path("", include("surveys.urls")),
    path("", include("ideas.urls")),
    path("documents/", include(wagtaildocs_urls)),
    path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
]
if settings.ESP_WEBHOOKS:  # the ESP's delivery and bounce events (inbound mail is not used)
    tracking = [copy(pattern) for pattern in anymail_urls.urlpatterns if pattern.name.endswith("_tracking_webhook")]
    for pattern in tracking:  # all or nothing, and a malformed event answers 400 (logged), not 500
        pattern.callback = esp_webhook(pattern.callback)
    urlpatterns.append(path("anymail/", include((tracking, "anymail"))))
# The published pages, per language: /fr/... and /en/... ("/" leads to the visitor's language).
urlpatterns += i18n_patterns(
    path("", include("cms.urls")),
    path("", include(wagtail_urls)),
)
