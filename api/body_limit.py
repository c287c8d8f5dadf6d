"""The upsert's own body limit: 10,000 ambassadors with every column are a few megabytes of JSON, more than
Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB) that every other request keeps. ``POST /api/v1/ambassadors/upsert``
alone may carry up to ``API_UPSERT_MAX_BODY_MB``: read here before anything else touches the body; past it, 413
naming the setting."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from campaigns.database.django_private import request_body_read


class UpsertBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.path = None

    def __call__(self, request):
        if request.method == "POST":
            self.path = self.path or reverse("api:upsert")
            if request.path == self.path:
                try:
                    request_body_read(request, settings.API_UPSERT_MAX_BODY_MB * 1024 * 1024)
                except RequestDataTooBig:
                    message = _("Corps de la requête de plus de %(mb)s Mo (API_UPSERT_MAX_BODY_MB).") % {
                        "mb": settings.API_UPSERT_MAX_BODY_MB
                    }
                    return JsonResponse({"detail": message}, status=413)
        return self.get_response(request)
