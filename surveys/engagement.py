"""The contribution surveys adds to the engagement score (registered in ``SurveysConfig.ready``): a survey answered
(its response submitted), as a SELECT of ``ambassador_id, campaign_id, occurred_at``."""

from campaigns.models import Invitation
from surveys.models import Response


def surveys_answered():
    sql = (
        f"SELECT inv.ambassador_id, inv.campaign_id, r.submitted_at AS occurred_at FROM {Response._meta.db_table} r "
        f"JOIN {Invitation._meta.db_table} inv ON inv.id = r.invitation_id "
        "WHERE r.submitted_at IS NOT NULL AND inv.ambassador_id IS NOT NULL"
    )
    return sql, []
