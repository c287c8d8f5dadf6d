"""The board's idea cards, rendered once for every viewer and kept in the cache, then filled for each page.

In a campaign's first hour hundreds of ambassadors open the same board each second, and rendering twenty cards
through the template engine was most of the page's cost. A card's HTML is the same for every viewer of a
language: it is kept under a key naming everything the card shows (its text, status, category, author's name and
badges, comment count; the language; whether it carries a vote form; the template itself), so that any change
makes a new key and no write has to remember to drop it. What differs from viewer to viewer, or from second to
second, is never in it: the vote count, the viewer's own vote and the CSRF token are slots (see
ideas/idea_card.html), filled per page from one query (``ideas.board.own_state``) and the request."""

import hashlib
import re
from functools import cache as once
from pathlib import Path

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from ideas.board import display_name

CARD = "ideas/idea_card.html"
CARD_SECONDS = 600
SLOT = re.compile(
    r"<!--\$(votes|label):(\d+)-->|<!--\$csrf-->|<!--\$voted:(\d+)-->(.*?)<!--\$else-->(.*?)<!--\$end-->", re.S
)


@once
def _templates_mark():
    """A digest of the card's templates: a deployment changing them makes new keys."""
    source = "".join(Path(get_template(name).origin.name).read_text() for name in (CARD, "ideas/author.html"))
    return hashlib.blake2b(source.encode(), digest_size=6).hexdigest()


def _key(idea, *, board_path, locale, can_vote):
    """The card's key: a digest of everything it shows (never anything of the viewer)."""
    author = idea.author
    shown = (
        board_path,
        locale,
        can_vote,
        idea.pk,
        idea.title,
        idea.kind,
        idea.status,
        idea.moderation,
        idea.pinned,
        idea.comment_count,
        (idea.category.name_fr, idea.category.name_en) if idea.category_id else None,
        idea.author_user_id,
        display_name(author) if author else None,
        [award.badge for award in getattr(author, "badges", [])] if author else None,
    )
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=12).hexdigest()
    return f"ideas:card:{_templates_mark()}:{idea.pk}:{digest}"


def cards(groups, *, board_path, locale, can_vote):
    """{name: HTML with slots} of each group of ideas (``groups``: {name: [ideas]}): the cards found in the cache in
    one round trip, the others rendered (in the active language) and kept. ``can_vote``: the cards carry the vote
    form (an ambassador's visit), which staff reading the board do not get."""
    keys = {
        idea.pk: _key(idea, board_path=board_path, locale=locale, can_vote=can_vote)
        for ideas in groups.values()
        for idea in ideas
    }
    found = cache.get_many(list(keys.values())) if keys else {}
    rendered = {}
    for ideas in groups.values():
        for idea in ideas:
            key = keys[idea.pk]
            if key not in found and key not in rendered:
                context = {"idea": idea, "board_path": board_path, "locale": locale, "can_vote": can_vote}
                rendered[key] = render_to_string(CARD, context)
    if rendered:
        cache.set_many(rendered, CARD_SECONDS)
    found.update(rendered)
    return {name: "".join(found[keys[idea.pk]] for idea in ideas) for name, ideas in groups.items()}


def filled(html, *, counts, voted, request):
    """``html`` of ``cards`` with its slots filled for this page: the counts as they stand ({idea id: count}), the
    viewer's votes ({idea ids}), their CSRF token (read only when a vote form asks for it)."""
    token = []

    def slot(match):
        kind, number = match.group(1), match.group(2)
        if kind == "votes":
            return str(counts[int(number)])
        if kind == "label":
            return escape(ngettext("vote", "votes", counts[int(number)]))
        if match.group(3):
            return match.group(4) if int(match.group(3)) in voted else match.group(5)
        if not token:
            token.append(format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)))
        return token[0]

    return mark_safe(SLOT.sub(slot, html))  # rendered by the template engine (escaped), slots filled escaped
