"""Export a campaign's report to a file, as the admin's export does (without the task queue).

python manage.py export_report SLUG --format xlsx --output rapport.xlsx
python manage.py export_report SLUG --format csv --table responses --output reponses.csv
"""

from django.core.management.base import BaseCommand, CommandError

from campaigns.audit import trail
from campaigns.models import Campaign
from reports.export_jobs import ExportError, export_write
from reports.exports import TABLE_NAMES


def campaign_for(slug):
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None:
        raise CommandError(f"no campaign with the slug {slug!r}")
    return campaign


class Command(BaseCommand):
    help = "Export a campaign's report as an Excel workbook or a CSV table."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the campaign's slug")
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument(
            "--table",
            choices=TABLE_NAMES,
            default="invitations",
            help="with --format csv: the table exported (default: invitations)",
        )
        parser.add_argument("--output", required=True, help="the file written")

    def handle(self, *args, slug, format, table, output, **options):
        campaign = campaign_for(slug)
        try:
            rows = export_write(campaign, format, output, table=table if format == "csv" else "")
        except (ExportError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        trail.audit_record(trail.REPORT_EXPORT, target=campaign, user=None, data={"format": format, "fichier": output})
        self.stdout.write(f"{rows} rows written to {output}")
