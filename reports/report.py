"""A campaign's whole report, read once: the admin page, the workbook's summary sheet and the weekly email
show the same figures."""

from dataclasses import dataclass

from campaigns.models import Campaign
from campaigns.sending import subject_tests
from reports import charts, idea_stats, rates, survey_stats


@dataclass
class Report:
    campaign: Campaign
    funnel: rates.FunnelRow
    by_segment: list
    by_region: list
    by_age_band: list
    days: list
    survey: object  # surveys.models.Survey or None
    questions: list  # [survey_stats.QuestionResult]
    has_board: bool
    ideas: list
    ideas_by_status: list
    votes_by_day: list
    contributors: list
    subject_test: object = None  # campaigns.sending.subject_tests.SubjectTest, when the campaign has one

    @property
    def definitions(self):
        return rates.definitions()

    @property
    def rates(self):
        return [(rate, self.funnel.rates[rate.key]) for rate in rates.RATES]

    @property
    def engagement(self):
        """Opens and clicks: raw, machine and estimated-human figures, with the method (rates.ENGAGEMENT)."""
        return rates.engagement(self.funnel)

    @property
    def steps(self):
        return [(key, rates.STEP_LABELS[key], self.funnel.counts[key]) for key in rates.STEP_KEYS]


def campaign_survey(campaign):
    from surveys.models import Survey

    return Survey.objects.filter(campaign=campaign).first()


def campaign_report(campaign, *, text_limit=survey_stats.TEXT_LIMIT):
    """Every figure of the report of ``campaign`` (a fixed number of queries whatever its size)."""
    from ideas.models import Board

    survey = campaign_survey(campaign)
    has_board = Board.objects.filter(campaign=campaign).exists()
    total = rates.campaign_counts(campaign)  # once: every breakdown is protected against it
    return Report(
        campaign=campaign,
        funnel=rates.funnel(campaign, total=total),
        by_segment=rates.funnel_by_segment(campaign, total=total),
        by_region=rates.funnel_by_attribute(campaign, "region", total=total),
        by_age_band=rates.funnel_by_attribute(campaign, "age_band", total=total),
        days=rates.funnel_by_day(campaign, total=total),
        survey=survey,
        questions=survey_stats.survey_results(survey, text_limit=text_limit) if survey else [],
        has_board=has_board,
        ideas=idea_stats.ranked_ideas(campaign) if has_board else [],
        ideas_by_status=idea_stats.ideas_by_status(campaign) if has_board else [],
        votes_by_day=idea_stats.votes_by_day(campaign) if has_board else [],
        contributors=idea_stats.top_contributors(campaign) if has_board else [],
        subject_test=subject_tests.figures(campaign),
    )


def report_charts(report):
    """{name: PNG bytes} of every chart of the report, in the order they are shown."""
    drawn = {
        "funnel": charts.funnel_chart(report.funnel),
        "rates": charts.rates_chart(report.funnel),
        "timeline": charts.timeline_chart(report.days),
    }
    for result in report.questions:
        png = None if result.suppressed else charts.question_chart(result)  # as the page: no chart when withheld
        if png:
            drawn[f"question-{result.question.pk}"] = png
    if report.has_board:
        drawn["votes"] = charts.votes_chart(report.votes_by_day)
    return drawn


def chart(campaign, name):
    """One chart of the campaign's report by name ("funnel", "rates", "timeline", "votes", "question-<id>"), or
    None when there is no such chart. Reads only what that chart needs."""
    if name == "funnel":
        return charts.funnel_chart(rates.funnel(campaign))
    if name == "rates":
        return charts.rates_chart(rates.funnel(campaign))
    if name == "timeline":
        return charts.timeline_chart(rates.funnel_by_day(campaign))
    if name == "votes":
        return charts.votes_chart(idea_stats.votes_by_day(campaign))
    if name.startswith("question-") and name[9:].isdigit():
        survey = campaign_survey(campaign)
        if survey is None:
            return None
        for result in survey_stats.survey_results(survey, text_limit=0, only=int(name[9:])):
            return charts.question_chart(result)
    return None
