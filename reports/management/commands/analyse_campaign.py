"""Analyse every free text of a campaign in bulk (survey answers, ideas, comments): language and sentiment stored
for its report, as the ``reports: listening`` schedule does for all campaigns.

python manage.py analyse_campaign CAMPAIGN_ID [--again]
"""

from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign
from reports.listening.batch import campaign_texts_analyse


class Command(BaseCommand):
    help = "Analyse a campaign's free texts (survey answers, ideas, comments) in bulk."

    def add_arguments(self, parser):
        parser.add_argument("campaign", type=int, help="the campaign's id")
        parser.add_argument("--again", action="store_true", help="analyse the ideas and comments already done again")

    def handle(self, *args, campaign, again, **options):
        found = Campaign.objects.filter(pk=campaign).first()
        if found is None:
            raise CommandError(f"no campaign {campaign}")
        done = campaign_texts_analyse(found, again=again)
        self.stdout.write(
            f"{found}: {done['answers']} answers, {done['idea']} ideas, {done['comment']} comments analysed"
        )
