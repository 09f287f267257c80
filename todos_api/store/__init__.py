"""Storage of todos and billing, behind the ``TodoStore`` Protocol.

``open_store`` picks the implementation from the settings: the SQLite file by
default, PostgreSQL when ``DATABASE_URL`` is set. Every method takes the owner
(the token's ``sub``) so no query can reach another user's rows.
"""

from todos_api.store.base import (
    BillingAccount,
    Invoice,
    StoreUnavailable,
    TodoRecord,
    TodoStore,
)
from todos_api.store.factory import open_store

__all__ = [
    "BillingAccount",
    "Invoice",
    "StoreUnavailable",
    "TodoRecord",
    "TodoStore",
    "open_store",
]
