"""A campaign's subject test in its report: each subject's figures, the rest of the audience, the decision and
its p-value, in the admin page, the workbook and the CSV summary, through the privacy threshold."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Ambassador, Invitation
from campaigns.sending import subject_tests
from campaigns.sending.launch import campaign_launch
from reports.exports import csv_lines, table
from tests.admin_pages import refused
from tests.campaigns.factories import FORMULA, SCRIPT, campaign, region_segment, subject_variants
from tests.reports.test_exports import no_formula, workbook_of

pytestmark = pytest.mark.django_db
Status = Invitation.Status


def with_subject_test(size, opens, *, clicks=(0, 0), rest=None):
    """A campaign to ``size`` Bretons with a subject test of two subjects on half of them, sent, opened by
    ``opens`` and clicked by ``clicks`` (one count per subject) estimated humans, and decided; with ``rest``
    (opens, clicks), the rest of the audience is sent too and that many open and click."""
    now = timezone.now()
    Ambassador.objects.bulk_create(
        Ambassador(email=f"b{number:03}@exemple.fr", first_name="Anne", region="bre", consent_at=now)
        for number in range(size)
    )
    target = campaign(segments=[region_segment()])
    variants = subject_variants(target, f"Votre avis {SCRIPT}", f"{FORMULA} minutes", ab_sample_percent=50)
    campaign_launch(target)
    sample = Invitation.objects.filter(campaign=target, ab_sample=True)
    sample.update(status=Status.SENT, sent_at=now)
    for variant, count, clicked in zip(variants, opens, clicks, strict=True):
        ids = list(sample.filter(subject_variant=variant).values_list("pk", flat=True)[:count])
        Invitation.objects.filter(pk__in=ids).update(first_opened_at=now, first_human_open_at=now)
        Invitation.objects.filter(pk__in=ids[:clicked]).update(first_clicked_at=now, first_human_click_at=now)
    subject_tests.subject_test_decide(target, now=now + timedelta(hours=5))
    if rest:
        others = Invitation.objects.filter(campaign=target, ab_sample=False)
        others.update(status=Status.SENT, sent_at=now)
        ids = list(others.values_list("pk", flat=True)[: rest[0]])
        Invitation.objects.filter(pk__in=ids).update(first_opened_at=now, first_human_open_at=now)
        Invitation.objects.filter(pk__in=ids[: rest[1]]).update(first_clicked_at=now, first_human_click_at=now)
    target.refresh_from_db()
    return target, variants


def report_page(client, target):
    return client.get(reverse("reports:campaign", args=[target.pk]))


def test_the_report_page_shows_each_subject_the_rest_and_the_decision(client_for, analyst_user):
    target, _variants = with_subject_test(80, (6, 14), clicks=(5, 5), rest=(10, 5))
    page = report_page(client_for(analyst_user), target).content.decode()
    assert "<h2>Test d'objets</h2>" in page and "Objet B gagne" in page
    assert "Objet B — gagnant" in page and "data-winner" in page and "data-rest" in page
    assert "70,0\u00a0%" in page and "30,0\u00a0%" in page  # 14 and 6 of 20
    assert "Reste de l&#x27;audience (Objet B)" in page
    assert "Valeur p du test : 0,011" in page  # z = 2.53
    assert SCRIPT not in page and "&lt;script&gt;" in page


def test_small_groups_are_masked_and_the_p_value_with_them(client_for, analyst_user, settings):
    settings.PRIVACY_THRESHOLD = 5
    target, _variants = with_subject_test(24, (3, 6))  # 6 per subject: the first's 3 opens are masked
    assert target.ab_p_value is not None
    page = report_page(client_for(analyst_user), target).content.decode()
    section = page[page.index("data-subject-test>") :]
    assert "masqué (&lt; 5)" in section and "Valeur p du test : masqué (&lt; 5)" in page
    assert f"{target.ab_p_value:.3f}".replace(".", ",") not in section


def test_the_workbook_and_csv_summary_carry_the_test(settings):
    settings.PRIVACY_THRESHOLD = 5
    target, _variants = with_subject_test(80, (6, 14), clicks=(5, 5), rest=(10, 5))
    workbook, _rows = workbook_of(target)
    rows = [[cell.value for cell in row] for row in workbook["Synthèse"].iter_rows()]
    header = rows.index(next(row for row in rows if row[:2] == ["Objet", "Texte"]))
    assert rows[header + 1][:9] == ["Objet A", f"Votre avis {SCRIPT}", 20, 20, 6, 5, 30.0, 25.0, None]
    assert rows[header + 2][:9] == ["Objet B", f"{FORMULA} minutes", 20, 20, 14, 5, 70.0, 25.0, "oui"]
    assert rows[header + 3][:8] == ["Reste de l'audience (Objet B)", f"{FORMULA} minutes", 40, 40, 10, 5, 25.0, 12.5]
    assert rows[header + 4][1] == pytest.approx(target.ab_p_value)
    assert no_formula(workbook)
    summary = list(csv.reader(io.StringIO("".join(csv_lines(table(target, "summary"))))))
    line = next(line for line in summary if line[:1] == ["Objet B"])
    assert line[1].endswith(f"{FORMULA} minutes") and not line[1].startswith("=") and line[8] == "oui"


@pytest.mark.parametrize("role", ["editor_user", "moderator_user", "outsider_user"])
def test_roles_without_reports_do_not_see_the_test(request, client_for, role):
    target, _variants = with_subject_test(20, (1, 1))
    assert refused(report_page(client_for(request.getfixturevalue(role)), target))
