"""One ambassador's ideas, comments, votes, reports and badges, for their data export; on erasure, the name they
chose to show goes (their contributions stay, signed by no one). Past retention (``campaigns.audience.retention``)
a campaign's ideas, comments and votes are detached from their authors: they stay, counted, belonging to no one."""

from campaigns.audience.personal_data import iso
from ideas.models import AbuseReport, Award, Comment, Contributor, Idea, Vote


def ideas_export(ambassador):
    contributor = Contributor.objects.filter(ambassador=ambassador).first()
    return {
        "display_name": contributor.display_name if contributor else "",
        "hidden_from_leaderboards": contributor.hide_from_leaderboards if contributor else False,
        "ideas": [
            {
                "campaign": idea.campaign.title,
                "title": idea.title,
                "body": idea.body,
                "status": idea.status,
                "created_at": iso(idea.created_at),
            }
            for idea in Idea.objects.filter(author=ambassador).select_related("campaign").order_by("pk")
        ],
        "comments": [
            {"idea": comment.idea.title, "body": comment.body, "created_at": iso(comment.created_at)}
            for comment in Comment.objects.filter(author=ambassador).select_related("idea").order_by("pk")
        ],
        "votes": [
            {"idea": vote.idea.title, "created_at": iso(vote.created_at)}
            for vote in Vote.objects.filter(ambassador=ambassador).select_related("idea").order_by("pk")
        ],
        "reports": [
            {"reason": report.reason, "created_at": iso(report.created_at)}
            for report in AbuseReport.objects.filter(reporter=ambassador).order_by("pk")
        ],
        "badges": [
            {"badge": award.badge, "awarded_at": iso(award.awarded_at)}
            for award in Award.objects.filter(ambassador=ambassador).order_by("pk")
        ],
    }


def ideas_erase(ambassador, now):
    Contributor.objects.filter(ambassador=ambassador).delete()


def campaign_detach(campaign):
    """Retention of ``campaign``: its ideas, comments and votes belong to no one any more (the counts stay)."""
    Idea.objects.filter(campaign=campaign, author__isnull=False).update(author=None)
    Comment.objects.filter(idea__campaign=campaign, author__isnull=False).update(author=None)
    Vote.objects.filter(idea__campaign=campaign, ambassador__isnull=False).update(ambassador=None)
