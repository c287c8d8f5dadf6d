"""A real OpenID Connect provider for the single sign-on tests: django-oidc-provider in a process of its own, with
these tiny settings, its own SQLite database, a client and users with groups (``seed``); ``server.Provider`` starts
it on loopback. Nothing here is the project's code."""
