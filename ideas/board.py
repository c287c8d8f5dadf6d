"""Reads of an idea board: a page of ideas sorted and filtered, an idea with its thread, who wrote what. Each
read is a fixed number of queries whatever the size of the board.

The lists every ambassador sees alike (a page of published ideas per sort, category and status, without search
words; the pinned items) are kept in the cache for BOARD_LIST_SECONDS: in a campaign's first hour, hundreds of
ambassadors open the same page of the same board each second. What the board's writes change shows at once:
posting an idea or a comment, a moderation decision, a status change, a merge, an idea saved in the admin call
``board_changed``, which drops every list of the board. Only the order by votes may lag by BOARD_LIST_SECONDS (a
vote comes every few milliseconds in a burst): the page shows each idea's count as it stands, read with the
viewer's own votes and pending ideas (``own_state``), which are never cached. The cards themselves: ideas.cards."""

import secrets

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Prefetch, Q

from ideas.models import Award, Board, Comment, Contributor, Idea, Moderation, StatusChange, Vote

PAGE_SIZE = 20
SEARCH_VECTOR = SearchVector("title", "body", config="french")
SORTS = {"top": ("-vote_count", "-id"), "newest": ("-created_at", "-id"), "trending": ("-trend", "-id")}


def board_of(campaign):
    """The campaign's board; before a first contribution made its row, an unsaved board with the default
    settings, so that showing it writes nothing (``ideas.posting.board_ensure`` saves it)."""
    board = getattr(campaign, "board", None)
    return board if board is not None else Board(campaign=campaign)


def display_name(ambassador):
    """How an ambassador is named on the board: their chosen name, or first name and initial."""
    if ambassador is None:
        return ""
    contributor = getattr(ambassador, "contributor", None)
    if contributor is not None and contributor.display_name:
        return contributor.display_name
    initial = f" {ambassador.last_name[:1]}." if ambassador.last_name else ""
    return f"{ambassador.first_name or '—'}{initial}"


def words_filter(words):
    """Ideas matching the words: French full-text search on PostgreSQL, a plainer match elsewhere."""
    if connection.vendor == "postgresql":
        return Q(search=SearchQuery(words, config="french", search_type="websearch"))
    condition = Q()
    for word in words.split()[:8]:
        condition &= Q(title__icontains=word) | Q(body__icontains=word)
    return condition


def visible_ideas(campaign, viewer=None):
    """Published ideas of the campaign, not merged, and the viewer's own pending ones."""
    shown = Q(moderation=Moderation.APPROVED)
    if viewer is not None:
        shown |= Q(author=viewer, moderation=Moderation.PENDING)
    return Idea.objects.filter(shown, campaign=campaign, merged_into__isnull=True)


def _with_authors(queryset):
    return queryset.select_related("category", "author__contributor").prefetch_related(
        Prefetch("author__awards", queryset=Award.objects.order_by("badge", "awarded_at"), to_attr="badges")
    )


def _version_key(campaign_id):
    return f"ideas:board:{campaign_id}:version"


def _lists_version(campaign_id):
    """The token naming the board's current cached lists (a new one once ``board_changed`` dropped the old)."""
    key = _version_key(campaign_id)
    version = cache.get(key)
    if version is None:
        cache.add(key, secrets.token_hex(6), None)
        version = cache.get(key)
    return version


def board_changed(campaign_id):
    """Every cached list of the campaign's board is dropped once the current transaction commits (at once
    outside one)."""
    transaction.on_commit(lambda: cache.delete(_version_key(campaign_id)))


def _shared(campaign, name, read):
    """``read()``, kept BOARD_LIST_SECONDS in the cache under ``name`` for the board's current lists."""
    seconds = settings.BOARD_LIST_SECONDS
    if not seconds:
        return read()
    key = f"ideas:board:{campaign.pk}:{_lists_version(campaign.pk)}:{name}"
    found = cache.get(key)
    if found is None:
        found = read()
        cache.set(key, found, seconds)
    return found


def ideas_page(campaign, *, sort="top", category=None, status=None, words="", page=1, viewer=None):
    """(ideas of that page, whether there is a next page, ids the viewer voted for among them). Published ideas
    only, so that the order's index serves the page (the viewer's pending ideas: ``own_state``). Without
    search words, the page is the same for every ambassador: kept in the cache (see above)."""
    sort = sort if sort in SORTS else "top"

    def read():
        queryset = visible_ideas(campaign).filter(kind=Idea.Kind.IDEA)
        if category:
            queryset = queryset.filter(category=category)
        if status:
            queryset = queryset.filter(status=status)
        if words.strip():
            if connection.vendor == "postgresql":
                queryset = queryset.annotate(search=SEARCH_VECTOR)  # the expression of the idea_search index
            queryset = queryset.filter(words_filter(words))
        start = (max(1, page) - 1) * PAGE_SIZE
        found = list(_with_authors(queryset.order_by(*SORTS[sort]))[start : start + PAGE_SIZE + 1])
        return found[:PAGE_SIZE], len(found) > PAGE_SIZE

    if words.strip():
        ideas, more = read()
    else:
        name = f"page:{sort}:{category.pk if category else ''}:{status or ''}:{max(1, page)}"
        ideas, more = _shared(campaign, name, read)
    return ideas, more, voted_among(ideas, viewer)


def pinned_items(campaign):
    """The team's pinned questions and roadmap items, then pinned ideas (the same for everyone: cached)."""
    return _shared(
        campaign,
        "pins",
        lambda: list(_with_authors(visible_ideas(campaign).filter(pinned=True).order_by("kind", "-created_at"))),
    )


def own_state(campaign, ideas, viewer, *, with_pending=True):
    """({idea id: its vote count now}, {ids the viewer voted for}, [the viewer's own ideas waiting for moderation,
    when ``with_pending``]) for a page showing ``ideas``, in one query (a second when the viewer has pending
    ideas): the cached lists' counts may be BOARD_LIST_SECONDS old, a page shows them as they stand. Written by
    hand: every page of the board runs it, and the ORM took longer to build it than the database to answer."""
    ids = [idea.pk for idea in ideas]
    with_pending = with_pending and viewer is not None
    if not ids and not with_pending:
        return {}, set(), []
    voted = f"EXISTS(SELECT 1 FROM {Vote._meta.db_table} v WHERE v.idea_id = i.id AND v.ambassador_id = %s)"
    own, own_params = "(i.campaign_id = %s AND i.author_id = %s AND i.moderation = %s)", []
    if with_pending:
        own_params = [campaign.pk, viewer.pk, Moderation.PENDING]
    where = [f"i.id IN ({', '.join(['%s'] * len(ids))})"] if ids else []
    sql = (
        f"SELECT i.id, i.vote_count, {voted if viewer else 'FALSE'}, {own if with_pending else 'FALSE'} "
        f"FROM {Idea._meta.db_table} i WHERE {' OR '.join(where + ([own] if with_pending else []))}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*([viewer.pk] if viewer else []), *own_params, *ids, *own_params])
        rows = cursor.fetchall()
    pending = [pk for pk, _count, _voted, waiting in rows if waiting]
    if pending:
        pending = list(_with_authors(Idea.objects.filter(pk__in=pending)).order_by("-created_at"))
    return {pk: count for pk, count, *_rest in rows}, {pk for pk, _count, voted, _waiting in rows if voted}, pending


def categories_of(campaign, board):
    """The board's categories (the same for everyone: cached with the lists)."""
    if board.pk is None:
        return []
    return _shared(campaign, "categories", lambda: list(board.categories.all()))


def voted_among(ideas, viewer):
    if viewer is None or not ideas:
        return set()
    return set(
        Vote.objects.filter(ambassador=viewer, idea__in=[idea.pk for idea in ideas]).values_list("idea_id", flat=True)
    )


def _seen_by(viewer):
    """What a viewer sees of ideas and comments: the published, and their own still waiting for moderation."""
    return Q(moderation=Moderation.APPROVED) | (Q(author=viewer, moderation=Moderation.PENDING) if viewer else Q())


def ideas_seen(campaign, viewer=None):
    """The campaign's ideas the viewer may see: published, merged or not, and their own pending ones."""
    return Idea.objects.filter(_seen_by(viewer), campaign=campaign)


def idea_seen(campaign, pk, viewer=None):
    """The idea when the viewer may see it (``ideas_seen``), else None: an idea one cannot see answers as a
    missing one, so that acting on it (vote, report) confirms nothing."""
    return ideas_seen(campaign, viewer).filter(pk=pk).first()


def comment_seen(idea, pk, viewer=None):
    """The idea's comment when the viewer may see it, else None (as ``idea_seen``)."""
    return Comment.objects.filter(_seen_by(viewer), idea=idea, pk=pk).first()


def idea_detail(campaign, pk, viewer=None):
    """The idea (published, the viewer's own, or merged into another), its thread (comments with their replies,
    published or the viewer's own) and its status history; None when not to be shown."""
    idea = _with_authors(Idea.objects.filter(_seen_by(viewer), campaign=campaign, pk=pk))
    idea = idea.select_related("merged_into").first()
    if idea is None:
        return None
    comments = (
        Comment.objects.filter(_seen_by(viewer), idea=idea)
        .select_related("author__contributor", "author_user")
        .order_by("created_at", "pk")
    )
    threads, replies = [], {}
    for comment in comments:
        if comment.parent_id:
            replies.setdefault(comment.parent_id, []).append(comment)
        else:
            threads.append(comment)
    for comment in threads:
        comment.thread = replies.get(comment.pk, [])
    history = list(StatusChange.objects.filter(idea=idea).order_by("created_at", "pk"))
    return idea, threads, history


def similar_ideas(campaign, title, limit=5):
    """Published ideas of the campaign whose words are close to ``title``: French full-text ranking on
    PostgreSQL (any of the words), words of four letters or more in the title elsewhere."""
    words = [word for word in title.replace("'", " ").split() if len(word) >= 4][:10]
    if not words:
        return []
    queryset = visible_ideas(campaign).filter(kind=Idea.Kind.IDEA)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchRank

        query = SearchQuery(" or ".join(words), config="french", search_type="websearch")
        vector = SearchVector("title", weight="A", config="french") + SearchVector("body", weight="B", config="french")
        return list(
            queryset.annotate(rank=SearchRank(vector, query))
            .filter(rank__gt=0.05)
            .order_by("-rank", "-vote_count")[:limit]
        )
    condition = Q()
    for word in words:
        condition |= Q(title__icontains=word)
    return list(queryset.filter(condition).order_by("-vote_count", "-id")[:limit])


def contributor_preferences(ambassador):
    """How the ambassador chose to appear on boards, as the initial values of their preferences' form."""
    contributor = Contributor.objects.filter(ambassador=ambassador).first()
    return {
        "display_name": contributor.display_name if contributor else "",
        "hide_from_leaderboards": contributor.hide_from_leaderboards if contributor else False,
    }


def own_activity(ambassador):
    """What an ambassador's own page shows: their badges, their latest ideas, how many comments and votes, and
    the name the boards show."""
    return {
        "awards": Award.objects.filter(ambassador=ambassador).select_related("campaign").order_by("awarded_at"),
        "ideas": Idea.objects.filter(author=ambassador).select_related("campaign").order_by("-created_at")[:50],
        "comment_count": Comment.objects.filter(author=ambassador).count(),
        "vote_count": Vote.objects.filter(ambassador=ambassador).count(),
        "shown_as": display_name(ambassador),
    }
