from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "ideas"
    verbose_name = _("Idées")

    def ready(self):
        from django.urls import reverse

        from campaigns.models import Campaign
        from campaigns.tracking import destinations

        def board_path(campaign):
            if campaign.kind in (Campaign.Kind.IDEATION, Campaign.Kind.BOTH):
                return reverse("ideas:board", args=[campaign.slug])
            return None

        destinations.register("ideas", _("Proposer et soutenir des idées"), board_path)

        from campaigns.audience import personal_data, retention
        from ideas.personal_data import campaign_detach, ideas_erase, ideas_export

        personal_data.register("ideas", ideas_export, ideas_erase)

        from ideas.questions import ratings_erase, ratings_export

        personal_data.register("answer_ratings", ratings_export, ratings_erase)

        from campaigns.engagement import sources
        from ideas import engagement

        sources.register("idea_posted", _("Idées publiées"), engagement.ideas_posted)
        sources.register("idea_adopted", _("Idées retenues"), engagement.ideas_adopted)
        sources.register("vote", _("Votes"), engagement.votes)
        sources.register("comment", _("Commentaires"), engagement.comments)
        retention.register(campaign_detach)
        self._board_kept_fresh()

        from campaigns import copies
        from ideas.copies import board_copy

        copies.register(board_copy)

    def _board_kept_fresh(self):
        from django.db.models.signals import post_delete, post_save

        from ideas.board import board_changed
        from ideas.models import Board, Category, Idea

        def idea_saved(sender, instance, **kwargs):  # the admin's edits of ideas and pins show on the board at once
            board_changed(instance.campaign_id)

        post_save.connect(idea_saved, sender=Idea, weak=False, dispatch_uid="ideas-board-changed-save")
        post_delete.connect(idea_saved, sender=Idea, weak=False, dispatch_uid="ideas-board-changed-delete")

        def category_saved(sender, instance, **kwargs):  # the board's filter lists its categories from the cache
            board_changed(Board.objects.filter(pk=instance.board_id).values_list("campaign_id", flat=True).first())

        post_save.connect(category_saved, sender=Category, weak=False, dispatch_uid="ideas-category-changed-save")
        post_delete.connect(category_saved, sender=Category, weak=False, dispatch_uid="ideas-category-changed-delete")
