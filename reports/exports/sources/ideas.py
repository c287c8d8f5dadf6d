"""The ideas table: one row per idea of the campaign, most supported first, its author named as on the board, or by
pseudonym (``reports.pseudonyms``) for a reader who may not see ambassadors."""

from django.utils.translation import gettext as _

from reports.exports.sources import Table, labels, zone
from reports.exports.streaming import stream
from reports.listening.scrub import scrub
from reports.pseudonyms import pseudonym

FIELDS = [
    "pk",
    "title",
    "category__name_fr",
    "kind",
    "status",
    "moderation",
    "vote_count",
    "comment_count",
    "merged_into_id",
    "created_at",
    "author_user_id",
    "author__contributor__display_name",
    "author__first_name",
    "author__last_name",
    "author_id",
]


def author_name(staff_id, chosen, first, last, staff, pseudonym=None):
    """How the board names an idea's author: the team, their chosen name, or first name and initial; or
    ``pseudonym`` when given and the author is an ambassador."""
    if staff_id:
        return staff
    if pseudonym is not None:
        return pseudonym
    if chosen:
        return chosen
    if first is not None:
        return f"{first or '—'}{f' {last[:1]}.' if last else ''}"
    return ""


def ideas_table(campaign, *, pseudonyms=False):
    from ideas.models import Idea, Moderation

    statuses, kinds, moderations = labels(Idea.Status), labels(Idea.Kind), labels(Moderation)
    queryset = Idea.objects.filter(campaign=campaign).order_by("-vote_count", "pk")
    header = [
        _("Idée"),
        _("Titre"),
        _("Catégorie"),
        _("Nature"),
        _("Statut"),
        _("Modération"),
        _("Votes"),
        _("Commentaires"),
        _("Auteur"),
        _("Fusionnée dans"),
        _("Créée le"),
    ]
    staff = _("Équipe")

    def rows():
        here = zone()
        for values in stream(queryset.values_list(*FIELDS)):
            pk, title, category, kind, status, moderation, votes, comments, merged, created, *author, author_id = values
            alias = pseudonym(campaign.pk, author_id) if pseudonyms and author_id else None
            yield [
                pk,
                scrub(title, names=author[2:4]),  # the author's first and last names
                category or "",
                kinds.get(kind, kind),
                statuses.get(status, status),
                moderations.get(moderation, moderation),
                votes,
                comments,
                author_name(*author, staff, alias),
                merged,
                created.astimezone(here).replace(tzinfo=None),
            ]

    return Table("ideas", _("Idées"), header, queryset.count, rows)
