"""Signal receivers of the core app (audit of logins)."""
