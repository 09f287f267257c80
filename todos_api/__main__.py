"""``python -m todos_api``: serve the API with uvicorn on TODOS_API_HOST:TODOS_API_PORT."""

from __future__ import annotations

import uvicorn

from identity.logs import strip_access_log_queries
from todos_api.app import create_app
from todos_api.settings import TodosApiSettings


def main() -> None:
    settings = TodosApiSettings()
    strip_access_log_queries()
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        proxy_headers=False,
    )


if __name__ == "__main__":
    main()
