"""``python -m identity.devidp``: serve the dev identity provider with uvicorn."""

from __future__ import annotations

import logging
import sys

from pydantic import ValidationError

from identity.config import SettingsError
from identity.devidp.app import create_app
from identity.devidp.settings import DevIdPSettings
from identity.serving import serve


def main() -> int:
    try:
        settings = DevIdPSettings()
        logging.basicConfig(
            level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s"
        )
        app = create_app(settings)
    except (ValidationError, SettingsError) as exc:
        print(f"devidp: refusing to start: {exc}", file=sys.stderr)
        return 2
    serve(app, host=settings.host, port=settings.port, log_level=settings.log_level)
    return 0


if __name__ == "__main__":
    sys.exit(main())
