"""Where the browser may be sent after login: same-origin relative paths only."""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_RETURN_TO = 1024


def safe_return_to(value: str | None, default: str = "/") -> str:
    """``value`` if it is a plain absolute path on this origin, else ``default``.

    Refused: absolute URLs (``https://evil``), scheme-relative ``//evil``, the
    ``/\\evil`` form browsers treat as ``//evil``, any scheme (``javascript:``),
    control characters, and anything longer than ``MAX_RETURN_TO``.
    """
    if not value or len(value) > MAX_RETURN_TO:
        return default
    if not value.startswith("/") or value.startswith("//"):
        return default
    if "\\" in value or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        return default
    try:
        parts = urlsplit(value)
    except ValueError:
        return default
    if parts.scheme or parts.netloc:
        return default
    return value


__all__ = ["safe_return_to"]
