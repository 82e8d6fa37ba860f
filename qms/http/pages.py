"""The pages' files: only what a browser loads (markup, scripts, styles, pictures,
fonts, sound), never the Python or notes that sit beside them in a package folder
(``/displays/led/board.py``)."""

from __future__ import annotations

from pathlib import PurePosixPath

from starlette.exceptions import HTTPException
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

#: what a page may load; anything else under a page mount is 404
PAGE_TYPES = frozenset(
    {
        ".html",
        ".js",
        ".mjs",
        ".css",
        ".svg",
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".webp",
        ".ico",
        ".woff",
        ".woff2",
        ".ttf",
        ".wav",
        ".mp3",
        ".ogg",
        ".webmanifest",
        ".map",
    }
)


class PageFiles(StaticFiles):
    """``StaticFiles`` that serves the page file types only. A folder's path (``/kiosk/``,
    served as its index.html) passes."""

    def get_path(self, scope: Scope) -> str:
        path = super().get_path(scope)
        suffix = PurePosixPath(path).suffix.lower()
        if suffix and suffix not in PAGE_TYPES:
            raise HTTPException(status_code=404)
        return path
