"""``python -m api``: serve the front end on FRONTEND_HOST:FRONTEND_PORT."""

from __future__ import annotations

import logging

from api.main import create_app
from api.settings import FrontendSettings
from identity.serving import serve


def main() -> None:
    settings = FrontendSettings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s %(message)s"
    )
    serve(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        proxy_headers=False,
    )


if __name__ == "__main__":
    main()
