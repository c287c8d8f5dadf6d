"""Add language, sentiment, sentiment score and theme columns to any CSV of French or English texts.

python manage.py analyse_texts avis.csv --column texte --output avis-analyses.csv [--scrub]
"""

from django.core.management.base import BaseCommand, CommandError

from reports.listening.csv_analysis import CsvAnalysisError, csv_analyse


class Command(BaseCommand):
    help = "Analyse a CSV column of free texts: language, sentiment, sentiment score and theme (streamed)."

    def add_arguments(self, parser):
        parser.add_argument("source", help="the CSV file read (UTF-8; comma, semicolon or tab)")
        parser.add_argument("--column", required=True, help="the column holding the texts")
        parser.add_argument("--output", required=True, help="the CSV file written")
        parser.add_argument("--scrub", action="store_true", help="also remove personal data from the texts")

    def handle(self, *args, source, column, output, scrub, **options):
        def progress(done, total):
            self.stderr.write(f"{done} / {total} rows")

        try:
            rows = csv_analyse(source, column, output, scrub_text=scrub, progress=progress)
        except (CsvAnalysisError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{rows} rows written to {output}")
