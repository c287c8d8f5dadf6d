"""Wagtail's spreadsheet exports run through our formula guard. Every CSV or XLSX of Wagtail's admin (site
history, whose labels hold ambassadors' idea titles; page reports; workflows; redirects; snippet and model
listings with ``list_export``; form submissions) is written by ``SpreadsheetExportMixin``'s three methods below,
which no view overrides: ``install`` (from ``CampaignsConfig.ready``) wraps them once, so that every text cell,
heading included, is kept as text. ``tests/campaigns/spreadsheets/test_wagtail_exports.py`` fails when Wagtail
renames them or a view overrides them."""

from wagtail.admin.views.mixins import SpreadsheetExportMixin

from campaigns.spreadsheets.formulas import cell_guard, csv_safe, csv_text

GUARDED = ("write_csv_row", "generate_xlsx_row", "get_heading")
ORIGINAL = {name: getattr(SpreadsheetExportMixin, name) for name in GUARDED}


class GuardedWriter:
    """A CSV writer whose rows are guarded cell by cell, after the view's own preprocessing."""

    def __init__(self, writer):
        self.writer = writer

    def writerow(self, row):
        return self.writer.writerow({field: csv_text(value) for field, value in row.items()})


def write_csv_row(self, writer, row_dict):
    return ORIGINAL["write_csv_row"](self, GuardedWriter(writer), row_dict)


def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
    for cell in ORIGINAL["generate_xlsx_row"](self, worksheet, row_dict, date_format):
        yield cell_guard(cell)


def get_heading(self, queryset, field):
    return csv_safe(ORIGINAL["get_heading"](self, queryset, field))


def installed():
    return all(getattr(SpreadsheetExportMixin, name) is globals()[name] for name in GUARDED)


def install():
    for name in GUARDED:
        setattr(SpreadsheetExportMixin, name, globals()[name])
