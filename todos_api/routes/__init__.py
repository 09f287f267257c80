"""One router per resource; ``app.create_app`` mounts them under ``/api``."""

from todos_api.routes.billing import router as billing_router
from todos_api.routes.health import router as health_router
from todos_api.routes.me import router as me_router
from todos_api.routes.todos import router as todos_router

__all__ = ["billing_router", "health_router", "me_router", "todos_router"]
