"""What the authorization server remembers: ``store.py`` (the ``GrantStore`` Protocol),
``sqlite.py`` (embedded default), ``access.py`` (grants and fresh upstream tokens)."""
