"""The idea board as ambassadors see it, identified by the visit their personal link started (staff may read).
Views parse the request, call one function of ``ideas.board`` (reads) or one action of ``ideas.posting`` or
``ideas.voting`` (each writes everything it does in one transaction), render. No GET writes: a board whose row
does not exist yet is shown unsaved, and made by the first contribution."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigns.engagement.reads import programme_status
from campaigns.locales import invitation_language, localized
from campaigns.models import Campaign
from campaigns.tracking import visiting_invitation
from campaigns.tracking.throttle import hit
from ideas import board as reads
from ideas import cards
from ideas.badges import contributor_settings, leaderboard
from ideas.forms import CommentForm, ContributorForm, FilterForm, IdeaForm, ReportForm
from ideas.models import Comment, Idea, Moderation
from ideas.posting import abuse_report, comment_edit, comment_editable, comment_post, idea_post
from ideas.voting import ballot_open, ballot_state, vote_cast, vote_state, vote_withdraw, votes_left

BOARD_KINDS = (Campaign.Kind.IDEATION, Campaign.Kind.BOTH)


class Visit:
    """Who is looking at a board: an invited ambassador (may act), staff (may read), or nobody. An ambassador's
    visit reads their invitation, its campaign and board in one query."""

    def __init__(self, request, slug):
        invitation = visiting_invitation(request, related=("campaign__board",))
        if invitation is not None and invitation.campaign.slug == slug:
            if invitation.campaign.kind not in BOARD_KINDS:
                raise Http404
            self.campaign = invitation.campaign
        else:
            invitation = None
            self.campaign = get_object_or_404(Campaign.objects.select_related("board"), slug=slug, kind__in=BOARD_KINDS)
        self.board = reads.board_of(self.campaign)  # unsaved until a first contribution: a GET writes nothing
        self.invitation = invitation
        self.ambassador = self.invitation.ambassador if self.invitation else None
        self.staff = self.ambassador is None and request.user.has_perm("ideas.view_idea")
        self.locale = invitation_language(self.invitation) if self.ambassador else translation.get_language()

    @property
    def allowed(self):
        return self.ambassador is not None or self.staff

    def context(self, **extra):
        return {
            "campaign": self.campaign,
            "board": self.board,
            "ambassador": self.ambassador,
            "staff": self.staff,
            "board_path": reverse("ideas:board", args=[self.campaign.slug]),
            "locale": self.locale,
            "intro": localized(self.board, "intro", self.locale),
            **extra,
        }


def _refused(request):
    return render(request, "ideas/no_visit.html", status=403)


def _seen_or_404(found):
    """An idea or comment the visitor cannot see answers as a missing one."""
    if found is None:
        raise Http404
    return found


def _acting(request, slug):
    """The visit of an invited ambassador, or None (then the caller refuses)."""
    visit = Visit(request, slug)
    return visit if visit.ambassador is not None else None


@require_GET
@never_cache
def board_view(request, slug):
    """The board: its lists and cards the same for everyone come from the cache (``ideas.board``, ``ideas.cards``),
    what is the viewer's own (their votes, pending ideas, votes left, tier, CSRF token) is read for them."""
    visit = Visit(request, slug)
    if not visit.allowed:
        return _refused(request)
    with translation.override(visit.locale):
        filters = FilterForm(request.GET)
        chosen = filters.cleaned_data if filters.is_valid() else {}
        categories = reads.categories_of(visit.campaign, visit.board)
        category = next((c for c in categories if c.slug == chosen.get("category")), None)
        page = chosen.get("page") or 1
        ideas, more, _voted = reads.ideas_page(
            visit.campaign,
            sort=chosen.get("sort") or "top",
            category=category,
            status=chosen.get("status"),
            words=chosen.get("q") or "",
            page=page,
        )
        pins = reads.pinned_items(visit.campaign) if page == 1 else []
        return render(
            request,
            "ideas/board.html",
            visit.context(
                **_board_cards(request, visit, pins=pins, ideas=ideas, first_page=page == 1),
                more=more,
                page=page,
                sorts=filters.fields["sort"].choices,  # the filters' menus written in the page: no widget rendered
                statuses=filters.fields["status"].choices,
                categories=categories,
                chosen=chosen,
                votes_left=votes_left(board=visit.board, ambassador=visit.ambassador) if visit.ambassador else None,
                programme=programme_status(visit.campaign.pk, visit.ambassador.pk if visit.ambassador else None),
            ),
        )


def _board_cards(request, visit, *, pins, ideas, first_page):
    """The board's groups of cards (pins, the viewer's pending ideas, the page's ideas) as HTML: the cards shared
    by every viewer, filled with the counts as they stand and the viewer's own votes (one query)."""
    counts, voted, pending = reads.own_state(visit.campaign, [*pins, *ideas], visit.ambassador, with_pending=first_page)
    groups = {"pins": pins, "pending": pending, "ideas": ideas}
    board_path = reverse("ideas:board", args=[visit.campaign.slug])
    shared = cards.cards(groups, board_path=board_path, locale=visit.locale, can_vote=visit.ambassador is not None)
    return {
        f"{name}_html": cards.filled(shared[name], counts=counts, voted=voted, request=request) if found else ""
        for name, found in groups.items()
    }


@require_GET
@never_cache
def idea_view(request, slug, pk):
    visit = Visit(request, slug)
    if not visit.allowed:
        return _refused(request)
    with translation.override(visit.locale):
        found = reads.idea_detail(visit.campaign, pk, visit.ambassador)
        if found is None:
            raise Http404
        idea, threads, history = found
        for comment in (c for thread in threads for c in [thread, *thread.thread]):
            comment.editable = comment_editable(comment, visit.ambassador)
        return render(
            request,
            "ideas/idea.html",
            visit.context(
                idea=idea,
                threads=threads,
                history=history,
                comment_form=CommentForm(),
                report_form=ReportForm(),
                voted=reads.voted_among([idea], visit.ambassador),
            ),
        )


@require_http_methods(["GET", "POST"])
@never_cache
def idea_new(request, slug):
    visit = _acting(request, slug)
    if visit is None:
        return _refused(request)
    with translation.override(visit.locale):
        form = IdeaForm(request.POST or None, board=visit.board)
        similar = []
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            similar = [] if data["confirmed"] else reads.similar_ideas(visit.campaign, data["title"])
            if similar:  # shown first; sent again, the form says the ambassador saw them
                form = IdeaForm({**request.POST.dict(), "confirmed": "True"}, board=visit.board)
            else:
                try:
                    idea = idea_post(
                        board=visit.board,
                        ambassador=visit.ambassador,
                        invitation=visit.invitation,
                        title=data["title"],
                        body=data["body"],
                        category=data.get("category"),
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    if idea.moderation == Moderation.PENDING:
                        messages.info(request, _("Merci ! Votre idée paraîtra une fois relue par l'équipe."))
                    return redirect("ideas:idea", slug, idea.pk)
        return render(
            request,
            "ideas/idea_form.html",
            visit.context(form=form, similar=similar),
            status=400 if request.method == "POST" else 200,
        )


@require_GET
def similar_view(request, slug):
    """Ideas like the title being typed (JSON for the form's suggestions)."""
    visit = _acting(request, slug)
    if visit is None:
        return JsonResponse({"ideas": []}, status=403)
    title = request.GET.get("titre", "")[:140]
    ideas = reads.similar_ideas(visit.campaign, title) if len(title.strip()) >= 4 else []
    return JsonResponse(
        {
            "ideas": [
                {"title": idea.title, "votes": idea.vote_count, "url": reverse("ideas:idea", args=[slug, idea.pk])}
                for idea in ideas
            ]
        }
    )


def _back(request, slug, pk):
    """Where a vote without JavaScript leads: back to the voted idea on the board, or on its own page, anchored so
    that the browser lands on it rather than at the top."""
    if request.POST.get("back") == "board":
        return HttpResponseRedirect(f"{reverse('ideas:board', args=[slug])}#idea-{pk}")
    return HttpResponseRedirect(f"{reverse('ideas:idea', args=[slug, pk])}#votes")


def _wants_json(request):
    """A vote sent by the page's script (ideas/vote.js) asks for JSON; a form sent by the browser does not."""
    return "application/json" in request.headers.get("Accept", "")


@require_POST
def idea_vote(request, slug, pk):
    """Cast or withdraw a vote. Sent by the page's script, answers JSON: the idea's new count, whether the
    visitor's vote stands, the votes left (or an error and its message); sent by a form, leads back to the idea.
    The idea is read with everything the vote needs (``ideas.voting.ballot``): a vote cast or repeated answers
    from it and the vote's own statement, no page rendered."""
    as_json = _wants_json(request)
    visit = _acting(request, slug)
    if visit is None:
        return JsonResponse({"error": "forbidden"}, status=403) if as_json else _refused(request)
    with ballot_open(visit.campaign, pk, visit.ambassador, visit.board) as idea:
        if idea is None:
            if as_json:
                return JsonResponse({"error": "not_found"}, status=404)
            raise Http404
        with translation.override(visit.locale):
            answer = _vote_answer(request, visit, idea, as_json)
    return answer or _back(request, slug, pk)


def _vote_answer(request, visit, idea, as_json):
    """The vote written; the JSON answer for the page's script, or None (then back to the idea), with a message
    for a refused vote."""
    if hit(f"votes:{visit.ambassador.pk}") > settings.VOTES_PER_MINUTE:
        message = _("Trop de votes en peu de temps : réessayez dans une minute.")
        if as_json:
            return JsonResponse({"error": "throttled", "message": message}, status=429)
        messages.error(request, message)
        return None
    withdraw = request.POST.get("action") == "withdraw"
    try:
        if withdraw:
            vote_withdraw(idea=idea, ambassador=visit.ambassador)
        else:
            vote_cast(idea=idea, ambassador=visit.ambassador, board=visit.board, invitation=visit.invitation)
    except ValidationError as error:
        if as_json:
            return JsonResponse({"error": "refused", "message": error.messages[0]}, status=400)
        messages.error(request, error.messages[0])
        return None
    if not as_json:
        return None
    if withdraw:
        return JsonResponse(vote_state(idea=idea, ambassador=visit.ambassador, board=visit.board))
    return JsonResponse(ballot_state(idea, visit.board))


@require_POST
def idea_comment(request, slug, pk):
    visit = _acting(request, slug)
    if visit is None:
        return _refused(request)
    idea = get_object_or_404(Idea, campaign=visit.campaign, pk=pk, moderation=Moderation.APPROVED)
    with translation.override(visit.locale):
        form = CommentForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Le commentaire est vide ou trop long (3 000 caractères au plus)."))
            return redirect("ideas:idea", slug, pk)
        parent = (
            Comment.objects.filter(idea=idea, pk=form.cleaned_data["parent"]).first()
            if form.cleaned_data["parent"]
            else None
        )
        try:
            comment = comment_post(
                board=visit.board,
                idea=idea,
                ambassador=visit.ambassador,
                invitation=visit.invitation,
                body=form.cleaned_data["body"],
                parent=parent,
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            if comment.moderation == Moderation.PENDING:
                messages.info(request, _("Merci ! Votre commentaire paraîtra une fois relu par l'équipe."))
    return redirect("ideas:idea", slug, pk)


@require_POST
def comment_change(request, slug, pk):
    visit = _acting(request, slug)
    if visit is None:
        return _refused(request)
    comment = get_object_or_404(Comment, idea__campaign=visit.campaign, pk=pk)
    with translation.override(visit.locale):
        form = CommentForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("Le commentaire est vide ou trop long (3 000 caractères au plus)."))
            comment_edit(comment=comment, ambassador=visit.ambassador, body=form.cleaned_data["body"])
        except ValidationError as error:
            messages.error(request, error.messages[0])
    return redirect("ideas:idea", slug, comment.idea_id)


@require_POST
def idea_report(request, slug, pk):
    visit = _acting(request, slug)
    if visit is None:
        return _refused(request)
    idea = _seen_or_404(reads.idea_seen(visit.campaign, pk, visit.ambassador))
    comment = None
    if request.POST.get("comment"):
        number = request.POST["comment"]
        number = int(number) if number.isascii() and number.isdigit() and len(number) < 19 else 0
        comment = _seen_or_404(reads.comment_seen(idea, number, visit.ambassador))
    form = ReportForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    with translation.override(visit.locale):
        abuse_report(ambassador=visit.ambassador, idea=None if comment else idea, comment=comment, reason=reason)
        messages.success(request, _("Merci : l'équipe de modération va examiner ce contenu."))
    return redirect("ideas:idea", slug, pk)


@require_http_methods(["GET", "POST"])
@never_cache
def contributions(request, slug):
    """The visiting ambassador's own page: their badges, ideas and activity, and how they appear on boards."""
    visit = _acting(request, slug)
    if visit is None:
        return _refused(request)
    with translation.override(visit.locale):
        form = ContributorForm(request.POST or None, initial=reads.contributor_preferences(visit.ambassador))
        if request.method == "POST" and form.is_valid():
            contributor_settings(ambassador=visit.ambassador, **form.cleaned_data)
            messages.success(request, _("Vos préférences sont enregistrées."))
            return redirect("ideas:contributions", slug)
        return render(
            request, "ideas/contributions.html", visit.context(form=form, **reads.own_activity(visit.ambassador))
        )


@require_GET
@never_cache
def leaderboard_view(request, slug):
    visit = Visit(request, slug)
    if not visit.allowed or not visit.board.show_leaderboard:
        return _refused(request) if not visit.allowed else redirect("ideas:board", slug)
    with translation.override(visit.locale):
        return render(request, "ideas/leaderboard.html", visit.context(ranking=leaderboard(visit.campaign)))
