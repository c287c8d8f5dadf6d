"""Spreadsheets the admin produces: ``formulas`` is the one guard that keeps any text cell from running as a
formula (reports' exports and the audit trail use it), ``wagtail_exports`` puts it under every export of
Wagtail's own views (site history, reports, listings, form submissions)."""
