"""What the API takes and gives (pydantic, through django-ninja): the OpenAPI document is made from these."""

from datetime import datetime

from ninja import Field, Schema
from pydantic import BaseModel


class AmbassadorIn(BaseModel):
    """One ambassador to create or update: values as an import file holds them, checked by the import."""

    email: str | None = Field(None, max_length=254, examples=["claire.dupont@exemple.fr"])
    external_id: str | None = Field(None, max_length=200, examples=["CRM-000123"])
    first_name: str | None = None
    last_name: str | None = None
    locale: str | None = Field(None, examples=["fr"])
    region: str | None = Field(None, examples=["idf"])
    age_band: str | None = Field(None, examples=["35-44"])
    customer_since: str | None = Field(None, examples=["2012-03-15"])
    products: list[str] | None = Field(None, examples=[["livret-a"]])
    tags: list[str] | None = None
    consent: bool | None = None


# The upsert's body, described for the OpenAPI document only: the endpoint parses it with json.loads and checks the
# envelope, and the import checks each row's values (a pydantic model per row cost a fifth of a call).
UPSERT_BODY = {
    "type": "object",
    "required": ["ambassadors"],
    "properties": {"ambassadors": {"type": "array", "items": AmbassadorIn.model_json_schema()}},
}


class RowErrorOut(Schema):
    index: int
    field: str
    message: str


class UpsertOut(Schema):
    rows: int
    created: int
    updated: int
    rejected: int
    errors: list[RowErrorOut]


class AmbassadorKey(Schema):
    email: str | None = None
    external_id: str | None = None


class OptOutsIn(Schema):
    ambassadors: list[AmbassadorKey]


class OptOutsRecorded(Schema):
    opted_out: int
    unknown: list[int]


class OptOutOut(Schema):
    email: str
    external_id: str | None
    opted_out_at: datetime


class SegmentOut(Schema):
    id: int
    name: str
    kind: str
    size: int | None = Field(description="Exact for roles that may read identities; else rounded, or null under k.")
    size_label: str


class CampaignOut(Schema):
    id: int
    slug: str
    title: str
    kind: str
    status: str
    closes_at: datetime | None
    launched_at: datetime | None
    closed_at: datetime | None


class CampaignCopyIn(Schema):
    title: str = Field(max_length=200)
    slug: str = Field(max_length=80, pattern=r"^[-a-zA-Z0-9_]+$")


class LaunchOut(Schema):
    invitations: int


class CloseOut(Schema):
    closed: bool


class FiguresOut(Schema):
    campaign: int
    counts: dict[str, int | None] = Field(description="By step; null when withheld by the privacy layer.")
    rates: dict[str, float | None]


class QuestionOut(Schema):
    id: int
    text: str
    kind: str
    respondents: int | None
    suppressed: bool
    distribution: list[dict]
    mean: float | None
    median: float | None
    nps: dict | None
    top_two_box: float | None


class WeekOut(Schema):
    week: str = Field(examples=["2026-W10"])
    authors: int | None = Field(description="Null when withheld by the privacy layer.")


class ThemeOut(Schema):
    rank: int = Field(description="As a pain point: 1 is the most negative theme.")
    name: str
    terms: list[str]
    authors: int
    score: float = Field(description="Mean sentiment, from -1 (negative) to 1 (positive).")
    negative_share: float
    weeks: list[WeekOut]
    quotes: list[str] = Field(description="Scrubbed of personal data; only for themes of at least k authors.")


class ThemesOut(Schema):
    campaign: int
    texts: int
    sentiments: dict[str, int | None] = Field(description="Authors by sentiment; null when withheld.")
    sources: dict[str, int | None] = Field(description="Authors by source (answers, ideas, comments).")
    themes: list[ThemeOut]
    hidden_themes: int = Field(description="Themes written by fewer than k authors, not shown.")


class ExportIn(Schema):
    format: str = Field("xlsx", pattern="^(xlsx|csv)$")
    table: str = ""


class ExportOut(Schema):
    id: int
    campaign: int
    format: str
    table: str
    status: str
    rows_done: int
    rows_total: int | None
    created_at: datetime
    finished_at: datetime | None
    error: str


class ErrorOut(Schema):
    detail: str | list
