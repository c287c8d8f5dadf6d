"""Engagement across campaigns: a score per ambassador (recency, frequency, depth, with decay), tiers computed with
it, recomputed by the ``campaigns: engagement`` schedule in a few set-based statements.

``campaigns`` knows nothing of surveys or ideas: they register the SQL of their contributions in
``campaigns.engagement.sources`` (in their AppConfig.ready), and ``recompute`` reads them all in one query."""
