"""Staff accounts: their sign-in, throttled per account and per address (``logins``), and what the audit trail
learns of them (sign-ins and role changes)."""
