"""The displays' announcement clips: the manifest and the WAVs `qms.devices.announce` rendered.

Public like the display pages: clips say only numbers and counter names. File names are
content hashes, so a clip never changes under its name and may be cached for good.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from qms.devices.announce import FILE_NAME, MANIFEST
from qms.domain.errors import NotFound

PREFIX = "/audio/"


def public_manifest(raw: dict[str, Any]) -> dict[str, Any]:
    """The stored manifest with file names turned into URLs, and without the cache index."""

    def url(name: str) -> str:
        return PREFIX + name

    langs = {
        lang: {
            "digits": [url(d) for d in clips["digits"]],
            "lead": url(clips["lead"]),
            "to": url(clips["to"]),
            "counters": {
                branch: {code: url(f) for code, f in codes.items()}
                for branch, codes in clips["counters"].items()
            },
        }
        for lang, clips in raw.get("langs", {}).items()
    }
    return {
        "version": raw.get("version", 1),
        "ready": True,
        "speech": bool(raw.get("speech")) and bool(langs),
        "chime": url(raw["chime"]),
        "langs": langs,
    }


def routes(folder: str | Path) -> list[BaseRoute]:
    folder = Path(folder)
    cache: dict[str, Any] = {"key": None, "body": None}

    async def manifest(request: Request) -> Response:
        """`ready: false` (not an error) while the clips are still being built, so the
        display retries quietly; re-read when the build rewrites the file."""
        path = folder / MANIFEST
        try:
            st = path.stat()
            key = (st.st_mtime_ns, st.st_size)
            if cache["key"] != key:
                cache["body"] = public_manifest(json.loads(path.read_text(encoding="utf-8")))
                cache["key"] = key
            body = cache["body"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            body = {"version": 1, "ready": False, "speech": False, "langs": {}}
        return JSONResponse(body, headers={"cache-control": "no-cache"})

    async def clip(request: Request) -> Response:
        name = request.path_params["file"]
        path = folder / name
        if not FILE_NAME.fullmatch(name) or not path.is_file():
            raise NotFound("no such clip")
        return FileResponse(
            path,
            media_type="audio/wav",
            headers={"cache-control": "public, max-age=31536000, immutable"},
        )

    return [
        Route(PREFIX + MANIFEST, manifest, methods=["GET"]),
        Route(PREFIX + "{file}", clip, methods=["GET"]),
    ]
