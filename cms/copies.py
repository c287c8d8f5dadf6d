"""A campaign's pages copied with the campaign (``campaigns.copies``): Wagtail's copy of each of its campaign pages,
beside the original, as a draft, the translations kept together under one new translation key."""

import uuid

from cms.models import CampaignPage


def pages_copy(source, copy):
    translation_key = uuid.uuid4()
    for page in CampaignPage.objects.filter(campaign=source).specific():
        page.copy(
            to=page.get_parent(),
            update_attrs={
                "campaign": copy,
                "slug": f"{page.slug[:240]}-{copy.slug}"[:255],
                "title": copy.title,
                "translation_key": translation_key,
            },
            keep_live=False,
            reset_translation_key=False,
            copy_revisions=False,
        )
