"""Subject tests: a random sample shares the subjects at launch, the rest waits; the clock decides after the set
time with the z-test and sends the rest the winner, or the first subject when no difference is significant."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Ambassador, Campaign, Invitation, SubjectTestMetric
from campaigns.sending import clock, senders, subject_tests
from campaigns.sending.launch import LaunchError, campaign_launch, launch_problems
from tests.campaigns.factories import campaign, region_segment, subject_variants

pytestmark = pytest.mark.django_db
Status = Invitation.Status
SUBJECTS = ["{prenom}, votre avis compte", "Nouvelle appli : à vous de jouer", "Trois minutes pour votre banque"]


def bretons(count):
    now = timezone.now()
    return Ambassador.objects.bulk_create(
        Ambassador(email=f"breton{number:03}@exemple.fr", first_name=f"Yann{number}", region="bre", consent_at=now)
        for number in range(count)
    )


@pytest.fixture
def ab_campaign():
    target = campaign(segments=[region_segment()])
    variants = subject_variants(target, *SUBJECTS[:2], ab_sample_percent=50, ab_decide_after=4)
    return target, variants


def launched(target, capture):
    with capture(execute=True):
        campaign_launch(target)
    target.refresh_from_db()
    return target


def subjects_received(smtp_server):
    return sorted(str(message["Subject"]).split(", ", 1)[-1] for _rcpt, message in smtp_server.messages)


def test_launch_sends_the_sample_only_shared_equally_between_the_subjects(
    ab_campaign, smtp_server, django_capture_on_commit_callbacks
):
    bretons(40)
    target, (first, second) = ab_campaign
    target = launched(target, django_capture_on_commit_callbacks)

    invitations = Invitation.objects.filter(campaign=target)
    sample = invitations.filter(ab_sample=True)
    assert sample.count() == 20 and set(sample.values_list("status", flat=True)) == {Status.SENT}
    assert sample.filter(subject_variant=first).count() == sample.filter(subject_variant=second).count() == 10
    held = invitations.filter(ab_sample=False)
    assert held.count() == 20 and not held.filter(subject_variant__isnull=False).exists()
    assert set(held.values_list("status", "next_attempt_at")) == {(Status.QUEUED, subject_tests.HELD_UNTIL)}
    assert len(smtp_server.messages) == 20
    assert subjects_received(smtp_server).count("votre avis compte") == 10
    assert subjects_received(smtp_server).count("Nouvelle appli : à vous de jouer") == 10
    for rcpt, message in smtp_server.messages:  # each email carries the subject its invitation records
        invitation = sample.get(ambassador__email=rcpt)
        assert str(message["Subject"]).endswith(invitation.subject_variant.subject_fr.replace("{prenom}, ", ""))
    assert target.ab_decide_at == target.launched_at + timedelta(hours=4)
    assert senders.pending_work() == []  # the held rest is nobody's work until the decision


def test_the_sample_is_drawn_at_random(ab_campaign, django_capture_on_commit_callbacks):
    bretons(60)
    target, _variants = ab_campaign
    campaign_launch(target)
    first_draw = set(Invitation.objects.filter(ab_sample=True).values_list("ambassador_id", flat=True))
    other = campaign(slug="autre", segments=list(target.segments.all()))
    subject_variants(other, *SUBJECTS[:2], ab_sample_percent=50)
    campaign_launch(other)
    second_draw = set(other.invitations.filter(ab_sample=True).values_list("ambassador_id", flat=True))
    assert len(first_draw) == len(second_draw) == 30 and first_draw != second_draw


def _opened(variant, count, *, field="first_human_open_at"):
    ids = list(Invitation.objects.filter(subject_variant=variant, ab_sample=True).values_list("pk", flat=True)[:count])
    Invitation.objects.filter(pk__in=ids).update(**{field: timezone.now()})


def test_the_clock_sends_the_rest_the_significant_winner(ab_campaign, smtp_server, django_capture_on_commit_callbacks):
    bretons(80)
    target, (first, second) = ab_campaign
    target = launched(target, django_capture_on_commit_callbacks)
    _opened(first, 6)
    _opened(second, 18)  # 18/20 against 6/20: p < 0.001
    smtp_server.messages.clear()

    with django_capture_on_commit_callbacks(execute=True):
        clock.tick(now=target.ab_decide_at - timedelta(minutes=1))
    assert len(smtp_server.messages) == 0  # not yet time
    with django_capture_on_commit_callbacks(execute=True):
        clock.tick(now=target.ab_decide_at + timedelta(minutes=1))

    target.refresh_from_db()
    assert target.ab_winner == second and target.ab_decided_at is not None and target.ab_p_value < 0.001
    rest = Invitation.objects.filter(campaign=target, ab_sample=False)
    assert set(rest.values_list("status", "subject_variant", "next_attempt_at")) == {(Status.SENT, second.pk, None)}
    assert subjects_received(smtp_server) == ["Nouvelle appli : à vous de jouer"] * 40
    assert subject_tests.subject_test_decide(target) is None  # decided once, even by a second clock


def test_without_a_significant_difference_the_rest_gets_the_first_subject(
    ab_campaign, smtp_server, django_capture_on_commit_callbacks
):
    bretons(40)
    target, (first, second) = ab_campaign
    target = launched(target, django_capture_on_commit_callbacks)
    _opened(first, 5)
    _opened(second, 8)  # 8/10 against 5/10: p = 0.16
    smtp_server.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decided = subject_tests.subject_tests_decide(now=target.ab_decide_at)
    target.refresh_from_db()
    assert decided == [target] and target.ab_winner is None and 0.05 < target.ab_p_value < 0.5
    assert set(Invitation.objects.filter(ab_sample=False).values_list("subject_variant", flat=True)) == {first.pk}
    assert subjects_received(smtp_server) == ["votre avis compte"] * 20


def test_a_test_on_clicks_ignores_opens(ab_campaign, smtp_server, django_capture_on_commit_callbacks):
    bretons(80)
    target, (first, second) = ab_campaign
    Campaign.objects.filter(pk=target.pk).update(ab_metric=SubjectTestMetric.CLICKS)
    target = launched(target, django_capture_on_commit_callbacks)
    _opened(second, 20)  # many opens for the second, clicks for the first
    _opened(first, 12, field="first_human_click_at")
    _opened(second, 2, field="first_human_click_at")
    subject_tests.subject_tests_decide(now=target.ab_decide_at)
    target.refresh_from_db()
    assert target.ab_winner == first


def test_a_bounced_or_unsent_sample_email_is_not_counted(ab_campaign, django_capture_on_commit_callbacks):
    bretons(20)
    target, (first, _second) = ab_campaign
    campaign_launch(target)  # nothing sent: no sender ran
    decision = subject_tests.subject_test_decide(target, now=timezone.now() + timedelta(hours=5))
    assert decision.winner is None and decision.p_value is None
    target.refresh_from_db()
    assert target.ab_winner is None and set(
        Invitation.objects.filter(ab_sample=False).values_list("subject_variant", "next_attempt_at")
    ) == {(first.pk, None)}


def test_a_closed_campaign_is_not_decided(ab_campaign, django_capture_on_commit_callbacks):
    bretons(20)
    target, _variants = ab_campaign
    campaign_launch(target)
    Campaign.objects.filter(pk=target.pk).update(status=Campaign.Status.CLOSED, closed_at=timezone.now())
    assert subject_tests.subject_tests_decide(now=timezone.now() + timedelta(days=1)) == []
    assert subject_tests.subject_test_decide(target, now=timezone.now() + timedelta(days=1)) is None
    assert Invitation.objects.filter(ab_sample=False, next_attempt_at=subject_tests.HELD_UNTIL).count() == 10


def test_a_campaign_without_subjects_to_test_sends_everyone_at_once(smtp_server, django_capture_on_commit_callbacks):
    bretons(10)
    target = launched(campaign(segments=[region_segment()]), django_capture_on_commit_callbacks)
    assert target.ab_decide_at is None and len(smtp_server.messages) == 10
    assert not Invitation.objects.filter(ab_sample=True).exists()
    assert subject_tests.figures(target) is None


def test_launch_refuses_one_or_five_subjects_and_a_missing_english_subject():
    one = campaign(slug="un", segments=[region_segment()])
    subject_variants(one, SUBJECTS[0])
    assert any("de 2 à 4 objets" in problem for problem in launch_problems(one))
    five = campaign(slug="cinq", segments=[region_segment("Autres")])
    subject_variants(five, *SUBJECTS, "Quatre", "Cinq")
    assert any("il y en a 5" in problem for problem in launch_problems(five))
    english = campaign(slug="anglais", segments=[region_segment("Encore")])
    first, _second = subject_variants(english, *SUBJECTS[:2])
    first.subject_en = ""
    first.save()
    assert any("Objet A" in problem for problem in launch_problems(english))
    with pytest.raises(LaunchError):
        campaign_launch(english)
    assert not Invitation.objects.exists()


def test_figures_show_each_subject_the_rest_and_the_decision(
    ab_campaign, smtp_server, django_capture_on_commit_callbacks
):
    bretons(80)
    target, (first, second) = ab_campaign
    target = launched(target, django_capture_on_commit_callbacks)
    _opened(first, 6)
    _opened(second, 14)  # 18 of 20 would tell the 2 who did not open
    _opened(second, 7, field="first_human_click_at")
    _opened(first, 5, field="first_human_click_at")
    running = subject_tests.figures(target)
    assert running.decided_at is None and running.rest is None and "En cours" in str(running.decision)
    with django_capture_on_commit_callbacks(execute=True):
        subject_tests.subject_tests_decide(now=target.ab_decide_at)
    target.refresh_from_db()
    rest = list(Invitation.objects.filter(campaign=target, ab_sample=False).values_list("pk", flat=True))
    Invitation.objects.filter(pk__in=rest[:10]).update(first_human_open_at=timezone.now())
    Invitation.objects.filter(pk__in=rest[:5]).update(first_human_click_at=timezone.now())

    test = subject_tests.figures(target)
    a, b = test.variants
    assert (a.label, a.invited, a.sent, a.opened, a.clicked, a.is_winner) == ("Objet A", 20, 20, 6, 5, False)
    assert (b.label, b.invited, b.sent, b.opened, b.clicked, b.is_winner) == ("Objet B", 20, 20, 14, 7, True)
    assert (a.open_rate, b.open_rate, b.click_rate) == (0.3, 0.7, 0.35)
    assert (test.rest.label, test.rest.invited, test.rest.sent, test.rest.opened) == (
        "Reste de l'audience (Objet B)",
        40,
        40,
        10,
    )
    assert test.p_value == target.ab_p_value < 0.05 and "Objet B gagne" in str(test.decision)


def test_figures_of_small_groups_are_suppressed_and_so_is_the_p_value(
    ab_campaign, smtp_server, django_capture_on_commit_callbacks, settings
):
    settings.PRIVACY_THRESHOLD = 5
    bretons(24)
    target, (first, second) = ab_campaign
    target = launched(target, django_capture_on_commit_callbacks)  # 12 in the sample: 6 per subject
    _opened(first, 4)  # fewer than 5: suppressed, and the p-value would give it away
    _opened(second, 6)
    subject_tests.subject_tests_decide(now=target.ab_decide_at)
    target.refresh_from_db()
    test = subject_tests.figures(target)
    # the first's 4 opens are withheld; with the campaign's total shown, the second's 6 would give them away by
    # subtraction, so they go too (the rest got nothing yet: its zeros are withheld as any count under k, and a
    # withheld zero needs no cover: it hides no one)
    assert [(row.sent, row.opened, row.open_rate) for row in test.variants] == [(6, None, None), (6, None, None)]
    assert (test.rest.invited, test.rest.sent, test.rest.opened) == (12, None, None)
    assert target.ab_p_value is not None and test.p_value is None and test.p_withheld

    settings.PRIVACY_THRESHOLD = 7  # a subject's whole sample below the threshold: no figure at all
    assert [(row.invited, row.sent, row.opened) for row in subject_tests.figures(target).variants] == [
        (None, None, None),
        (None, None, None),
    ]


def test_one_figure_suppressed_alone_is_not_left_to_subtraction(
    ab_campaign, smtp_server, django_capture_on_commit_callbacks, settings
):
    settings.PRIVACY_THRESHOLD = 5
    bretons(40)
    target, (first, second) = ab_campaign
    target = launched(target, django_capture_on_commit_callbacks)  # 10 per subject, 20 in the rest
    _opened(first, 2)
    _opened(second, 9)
    with django_capture_on_commit_callbacks(execute=True):
        subject_tests.subject_tests_decide(now=target.ab_decide_at)
    rest = Invitation.objects.filter(campaign=target, ab_sample=False)
    Invitation.objects.filter(pk__in=list(rest.values_list("pk", flat=True)[:7])).update(
        first_human_open_at=timezone.now()
    )
    test = subject_tests.figures(target)
    opened = [row.opened for row in [*test.variants, test.rest]]
    # 2 withheld; 9 of 10 would tell the one who did not open, so withheld too (and, with the 2, covered)
    assert opened == [None, None, 7]
    assert test.variants[1].invited == 10 and test.rest.invited == 20
