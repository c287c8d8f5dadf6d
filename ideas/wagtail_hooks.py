"""The ideas app in the Wagtail admin: boards and their categories, ideas (and the team's pinned questions and
roadmap items), comments, and the moderation queue, under one "Idées" menu."""

import django_filters
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import InspectView, SnippetViewSet, SnippetViewSetGroup

from campaigns.models import Campaign
from campaigns.staff_admin import MenuViewSet, yes_no_column
from ideas import admin_views as views
from ideas.board import display_name
from ideas.models import Board, Comment, Idea
from ideas.moderation import awaiting_counts, comment_counts_refresh
from ideas.questions import answer_ratings
from ideas.workflow import MERGE_LOG_ACTION

STAFF_KINDS = (Idea.Kind.QUESTION, Idea.Kind.ROADMAP)
IDEATION_KINDS = (Campaign.Kind.IDEATION, Campaign.Kind.BOTH)


class BoardViewSet(SnippetViewSet):
    model = Board
    icon = "list-ul"
    menu_label = _("Espaces d'idées")
    list_display = ["campaign", "moderation", "vote_budget", yes_no_column(Board, "show_leaderboard")]
    list_filter = ["moderation"]
    search_fields = ["campaign__title"]
    search_backend_name = None
    copy_view_enabled = False
    panels = [
        FieldPanel("campaign"),
        FieldPanel("moderation"),
        FieldRowPanel([FieldPanel("vote_budget"), FieldPanel("show_leaderboard")]),
        MultiFieldPanel([FieldPanel("intro_fr"), FieldPanel("intro_en")], heading=_("Introduction")),
        InlinePanel(
            "categories",
            label=_("catégorie"),
            heading=_("Catégories"),
            panels=[FieldRowPanel([FieldPanel("slug"), FieldPanel("name_fr"), FieldPanel("name_en")])],
        ),
    ]

    def get_queryset(self, request):
        return Board.objects.select_related("campaign")


class ContributionInspectView(InspectView):
    """An idea or a comment. Its author is named as on the board, not as ``str(ambassador)`` (which holds their
    email), unless the reader may see ambassadors' personal data: moderators and analysts may not."""

    def get_field_display_value(self, field_name, field):
        if field_name == "author" and not self.request.user.has_perm("campaigns.view_ambassador"):
            return display_name(self.object.author)
        return super().get_field_display_value(field_name, field)


class IdeaInspectView(ContributionInspectView):
    """An idea; a question to the team also shows how ambassadors rated the team's answers, with their comments."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["ratings"] = answer_ratings(self.object) if self.object.kind == Idea.Kind.ASK else None
        return context


AMBASSADORS_WORDS = _(
    "Les mots d'un ambassadeur ne se modifient pas : approuvez, masquez ou refusez sa contribution, classez-la, "
    "ou répondez-lui."
)


def ambassadors_words_locked(form, fields):
    """An ambassador's contribution keeps its words and its place under their name: those fields are shown,
    disabled (Django then keeps the stored values whatever is posted), with the reason."""
    for name in fields:
        if name in form.fields:
            form.fields[name].disabled = True
            form.fields[name].help_text = AMBASSADORS_WORDS


class IdeaAdminForm(WagtailAdminModelForm):
    """In the admin, staff write the team's questions and roadmap items (pinned by default, signed by whoever
    creates them); ambassadors' ideas keep their nature, author, campaign and words: staff moderate, pin and
    classify them (``ambassadors_words_locked``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        creating = self.instance.pk is None
        if not creating and not self.instance.by_staff:
            ambassadors_words_locked(self, ["campaign", "title", "body"])
        if "kind" in self.fields:
            if not creating and self.instance.kind == Idea.Kind.IDEA:
                self.fields["kind"].disabled = True
            else:
                self.fields["kind"].choices = [(kind.value, kind.label) for kind in STAFF_KINDS]
                self.fields["kind"].initial = Idea.Kind.QUESTION
        if creating and "pinned" in self.fields:
            self.fields["pinned"].initial = True
        if "campaign" in self.fields:
            self.fields["campaign"].queryset = Campaign.objects.filter(kind__in=IDEATION_KINDS)

    def clean(self):
        cleaned = super().clean()
        category, campaign = cleaned.get("category"), cleaned.get("campaign")
        if category is not None and campaign is not None and category.board.campaign_id != campaign.pk:
            self.add_error("category", _("Cette catégorie appartient à l'espace d'idées d'une autre campagne."))
        return cleaned

    def save(self, commit=True):
        if self.instance.pk is None and self.instance.author_id is None and self.for_user is not None:
            self.instance.author_user = self.for_user
        return super().save(commit=commit)


class IdeaFilterSet(WagtailFilterSet):
    campaign = django_filters.ModelChoiceFilter(
        label=_("Campagne"), queryset=Campaign.objects.filter(kind__in=IDEATION_KINDS)
    )

    class Meta:
        model = Idea
        fields = ["campaign", "status", "moderation", "kind", "pinned"]


class IdeaViewSet(SnippetViewSet):
    """Ideas of every board. Status changes with their official answers plug in here (``get_urlpatterns``, and
    listing buttons through the ``register_snippet_listing_buttons`` hook)."""

    model = Idea
    icon = "pick"
    menu_label = _("Idées")
    list_display = [
        "title",
        "campaign",
        "kind",
        "status",
        "moderation",
        "vote_count",
        "comment_count",
        yes_no_column(Idea, "pinned"),
        "created_at",
    ]
    list_per_page = 50
    search_fields = ["title"]
    search_backend_name = None
    filterset_class = IdeaFilterSet
    inspect_view_enabled = True
    inspect_view_class = IdeaInspectView
    inspect_template_name = "ideas/admin/idea_inspect.html"
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("campaign"), FieldPanel("category")]),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("pinned")]),
            FieldPanel("title"),
            FieldPanel("body"),
        ],
        base_form_class=IdeaAdminForm,
    )

    def get_queryset(self, request):
        return Idea.objects.select_related("campaign")


class CommentFilterSet(WagtailFilterSet):
    campaign = django_filters.ModelChoiceFilter(
        label=_("Campagne"), field_name="idea__campaign", queryset=Campaign.objects.filter(kind__in=IDEATION_KINDS)
    )

    class Meta:
        model = Comment
        fields = ["campaign", "moderation"]


class CommentPermissionPolicy(ModelPermissionPolicy):
    """Comments are written on the board (where the idea's count follows), never created in the admin."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([action for action in actions if action != "add"])


register_permission_policy(Comment, CommentPermissionPolicy(Comment))


def _comment_excerpt(comment):
    return comment.body if len(comment.body) <= 80 else f"{comment.body[:79]}…"


def _comment_author(comment):
    if comment.author_user_id:
        return comment.author_user.get_full_name() or comment.author_user.get_username()
    return display_name(comment.author)


class CommentAdminForm(WagtailAdminModelForm):
    """The team's own comments may be corrected here; an ambassador's keep their words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and self.instance.author_user_id is None:
            ambassadors_words_locked(self, ["body"])


class CommentViewSet(SnippetViewSet):
    """Comments, to read (the team corrects its own); moderation decisions go through the queue, and staff answer
    on the board."""

    model = Comment
    icon = "comment"
    menu_label = _("Commentaires")
    list_display = [
        Column("body", label=_("Commentaire"), accessor=_comment_excerpt),
        "idea",
        Column("author", label=_("Auteur"), accessor=_comment_author),
        "moderation",
        "created_at",
    ]
    list_per_page = 50
    search_fields = ["body"]
    search_backend_name = None
    filterset_class = CommentFilterSet
    inspect_view_enabled = True
    inspect_view_class = ContributionInspectView
    copy_view_enabled = False
    add_to_reference_index = False
    edit_handler = ObjectList([FieldPanel("body")], base_form_class=CommentAdminForm)

    def get_queryset(self, request):
        return Comment.objects.select_related("idea", "author__contributor", "author_user")


class ModerationViewSet(MenuViewSet):
    name = "ideas_moderation"
    url_prefix = "ideas/moderation"
    icon = "warning"
    menu_label = _("Modération")
    menu_hook = "register_ideas_menu_item"
    menu_permissions = views.QUEUE_PERMISSIONS

    def get_urlpatterns(self):
        return [
            path("", views.moderation_queue_view, name="index"),
            path("<str:kind>/<int:pk>/", views.moderate, name="moderate"),
        ]


class IdeasGroup(SnippetViewSetGroup):
    menu_label = _("Idées")
    menu_icon = "pick"
    menu_order = 170
    submenu_hook = "register_ideas_menu_item"
    items = (BoardViewSet, IdeaViewSet, CommentViewSet)


register_snippet(IdeasGroup)


class IdeaReviewViewSet(ViewSet):
    """The team's page for one idea (official answer and status, staff comment, merge), from the idea listing."""

    name = "ideas_review"
    url_prefix = "ideas/review"
    add_to_admin_menu = False

    def get_urlpatterns(self):
        return [path("<int:pk>/", views.idea_review, name="idea")]


@hooks.register("register_admin_viewset")
def register_moderation_viewset():
    return [ModerationViewSet(), IdeaReviewViewSet()]


@hooks.register("register_snippet_listing_buttons")
def idea_review_button(snippet, user, next_url=None):
    if isinstance(snippet, Idea) and user.has_perms(views.REVIEW_PERMISSIONS):
        yield ListingButton(
            _("Répondre"), reverse("ideas_review:idea", args=[snippet.pk]), icon_name="comment", priority=5
        )


@hooks.register("register_log_actions")
def register_moderation_log_actions(actions):
    actions.register_action(
        "ideas.moderation.approve", _("Approuvée par la modération"), _("Approuvée par la modération")
    )
    actions.register_action("ideas.moderation.hide", _("Masquée par la modération"), _("Masquée par la modération"))
    actions.register_action("ideas.moderation.reject", _("Refusée par la modération"), _("Refusée par la modération"))
    actions.register_action(MERGE_LOG_ACTION, _("Fusionnée dans une autre idée"), _("Fusionnée dans une autre idée"))


@hooks.register("after_delete_snippet")
def recount_comments_after_delete(request, instances):
    """A comment deleted in the admin leaves its idea's comment count exact."""
    idea_ids = {instance.idea_id for instance in instances if isinstance(instance, Comment)}
    if idea_ids:
        comment_counts_refresh(idea_ids)


class ModerationPanel(Component):
    """On the admin home, for moderators and the product team: what awaits moderation, per campaign."""

    name = "ideas_moderation"
    order = 60
    template_name = "ideas/admin/moderation_panel.html"

    def get_context_data(self, parent_context=None):
        return {"rows": awaiting_counts()}


@hooks.register("construct_homepage_panels")
def moderation_panel(request, panels):
    if request.user.has_perm("ideas.change_idea"):
        panels.append(ModerationPanel())
