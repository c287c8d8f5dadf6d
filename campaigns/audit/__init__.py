"""The audit trail: what was done to campaigns, ambassadors' data, reports and staff accounts, by whom and when
(``trail``), shown to superusers with its filters and exports (``report``)."""
