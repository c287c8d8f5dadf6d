"""Reminders go to the invited who have not answered, and to no one who left."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Invitation, Reminder, ReminderDelivery
from campaigns.sending import reminders

pytestmark = pytest.mark.django_db
Status = Invitation.Status


def test_reminder_goes_only_to_those_who_have_not_answered(
    live, smtp_server, audience, django_capture_on_commit_callbacks
):
    reminder = Reminder.objects.create(
        campaign=live,
        days_after=3,
        subject_fr="Rappel : {campagne}",
        body_fr="Il reste quelques jours, {prenom} : {lien}",
    )
    Invitation.objects.filter(ambassador=audience["john"]).update(responded_at=timezone.now())
    assert reminders.reminders_start(now=timezone.now() + timedelta(days=2)) == []
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.reminders_start(now=timezone.now() + timedelta(days=3, minutes=1)) == [reminder]
    assert reminders.reminders_start(now=timezone.now() + timedelta(days=4)) == []  # only once
    assert list(ReminderDelivery.objects.values_list("invitation__ambassador__email", "status")) == [
        ("lea@exemple.fr", Status.SENT)
    ]
    [_first, second] = smtp_server.to("lea@exemple.fr")
    assert second["Subject"] == "Rappel : La banque mobile de demain"
    token = Invitation.objects.get(ambassador=audience["lea"]).token
    assert f"/i/{token}/" in second.get_body(("plain",)).get_content()
    assert smtp_server.to("john@example.com") and len(smtp_server.to("john@example.com")) == 1


def test_reminder_skips_opted_out_and_bounced(live, audience):
    Reminder.objects.create(campaign=live, days_after=1, subject_fr="Rappel", body_fr="{lien}")
    audience["lea"].opted_out_at = timezone.now()
    audience["lea"].save()
    audience["john"].email_bounced_at = timezone.now()
    audience["john"].save()
    reminders.reminders_start(now=timezone.now() + timedelta(days=2))
    assert not ReminderDelivery.objects.exists()
