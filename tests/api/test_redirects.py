"""safe_return_to: only same-origin relative paths survive."""

from __future__ import annotations

import pytest

from api.redirects import safe_return_to


@pytest.mark.parametrize("value", ["/", "/threads", "/a/b?c=d#e", "/%2F%2Fevil"])
def test_plain_paths_are_kept(value: str) -> None:
    assert safe_return_to(value) == value


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "https://evil.example",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,x",
        "http:/evil.example",
        "evil.example",
        " /x",
        "/x\r\nSet-Cookie: a=b",
        "/x\tx",
        "/" + "a" * 2000,
    ],
)
def test_anything_else_falls_back_to_home(value: str | None) -> None:
    assert safe_return_to(value) == "/"
