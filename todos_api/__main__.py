"""``python -m todos_api``: serve the API with uvicorn on TODOS_API_HOST:TODOS_API_PORT."""

from __future__ import annotations

from identity.serving import serve
from todos_api.app import create_app
from todos_api.settings import TodosApiSettings


def main() -> None:
    settings = TodosApiSettings()
    serve(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        proxy_headers=False,
    )


if __name__ == "__main__":
    main()
