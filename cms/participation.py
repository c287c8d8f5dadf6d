"""What a campaign page offers its visitor: for an ambassador who came by their personal link, where they stand
(survey not started, in progress or sent; ideas posted) and the call to act that fits; for anyone else, the
public calls to act of a live campaign."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from campaigns.tracking import destinations
from ideas.models import Idea
from surveys.models import Response


@dataclass(frozen=True)
class CallToAct:
    key: str  # the destination: "survey" or "ideas"
    url: str
    label: str
    done: bool = False  # the ambassador already did what it asks (a sent survey: the link lets them review it)


@dataclass(frozen=True)
class Standing:
    survey: str = ""  # "", "not_started", "in_progress" or "submitted"
    ideas_posted: int = 0


SURVEY_LABELS = {
    "not_started": _("Répondre au questionnaire"),
    "in_progress": _("Reprendre le questionnaire"),
    "submitted": _("Revoir mes réponses"),
}


def participation(campaign, invitation):
    """(where the visiting ambassador stands, or None for an anonymous visitor; the calls to act, worded for
    them, while the campaign is open): three small queries at most."""
    offered = destinations.for_campaign(campaign)
    standing = None if invitation is None else _standing(campaign, invitation, {d.key for d, _url in offered})
    if not campaign.is_open:
        return standing, []
    calls = []
    for destination, url in offered:
        label, done = destination.label, False
        if destination.key == "survey" and standing and standing.survey:
            label, done = SURVEY_LABELS[standing.survey], standing.survey == "submitted"
        elif destination.key == "ideas" and standing and standing.ideas_posted:
            label = _("Proposer une autre idée ou voter")
        calls.append(CallToAct(destination.key, url, label, done))
    return standing, calls


def _standing(campaign, invitation, offered):
    survey = ""
    if "survey" in offered:
        response = Response.objects.filter(invitation=invitation).values("submitted_at").first()
        survey = "not_started" if response is None else "submitted" if response["submitted_at"] else "in_progress"
    ideas_posted = 0
    if "ideas" in offered:
        ideas_posted = Idea.objects.filter(campaign=campaign, author=invitation.ambassador_id).count()
    return Standing(survey=survey, ideas_posted=ideas_posted)
