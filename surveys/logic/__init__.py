"""Conditions and piping, evaluated on the server: the expression language (``expressions``), what an answer is
worth in it (``values``), what shows (``conditions``), texts filled from answers (``piping``), and what the
admin shows of it (``words``, ``glance``)."""
