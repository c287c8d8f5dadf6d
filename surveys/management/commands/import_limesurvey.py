from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import Campaign
from surveys.limesurvey import LimeSurveyError, campaign_problem, survey_import


def campaign_by_slug(slug):
    """The campaign to attach the imported survey to; CommandError when there is none that can take it."""
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None:
        raise CommandError(_("Aucune campagne n'a pour identifiant « %(slug)s ».") % {"slug": slug})
    problem = campaign_problem(campaign)
    if problem:
        raise CommandError(problem)
    return campaign


def report_lines(survey, report):
    """What the command prints: the survey created, then what was imported and what was not."""
    counts = report.get("counts", {})
    lines = [
        _(
            "Questionnaire %(pk)s créé : « %(title)s » — %(sections)s pages, %(questions)s questions, "
            "%(choices)s choix, %(rows)s lignes de tableau."
        )
        % {
            "pk": survey.pk,
            "title": survey.title_fr,
            "sections": counts.get("sections", 0),
            "questions": counts.get("questions", 0),
            "choices": counts.get("choices", 0),
            "rows": counts.get("rows", 0),
        }
    ]
    if survey.campaign_id:
        lines.append(_("Rattaché à la campagne « %(campaign)s ».") % {"campaign": survey.campaign})
    else:
        lines.append(_("Sans campagne : à rattacher depuis l'administration."))
    lines.append(_("Importé :"))
    lines.extend(f"  + {line}" for line in report.get("mapped", []))
    lines.append(_("Non importé ou à revoir :"))
    lines.extend(f"  - {line}" for line in report.get("not_mapped", []) or [_("rien")])
    conditions = report.get("conditions")
    if conditions:
        lines.append(
            _("Conditions : %(translated)s traduites, %(lost)s non traduites.")
            % {"translated": conditions["translated"], "lost": conditions["not_translated"]}
        )
    return lines


class Command(BaseCommand):
    help = gettext_lazy(
        "Importe un questionnaire depuis l'export LimeSurvey (.lss) de sa structure, et affiche ce "
        "qui a été importé et ce qui ne l'a pas été."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.description = str(self.help)  # argparse formats text, not a lazy translation
        return parser

    def add_arguments(self, parser):
        parser.add_argument("path", help=gettext_lazy("Fichier .lss exporté de LimeSurvey."))
        parser.add_argument(
            "--campaign",
            help=gettext_lazy(
                "Identifiant (slug) d'une campagne de type questionnaire à laquelle rattacher le questionnaire."
            ),
        )

    def handle(self, path, campaign, **options):
        target = campaign_by_slug(campaign) if campaign else None
        try:
            survey, report = survey_import(Path(path), campaign=target)
        except LimeSurveyError as exc:
            raise CommandError(str(exc)) from None
        for line in report_lines(survey, report):
            self.stdout.write(line)
