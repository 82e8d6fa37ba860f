"""A printer profile's data, read from python-escpos's capability file without importing
``escpos.capabilities``: that module parses the whole file with PyYAML when imported and
keeps every profile (~3 MiB) for the life of the process. The server only checks a
printer's mode against its profile's code pages; the renderer process, which prints,
uses python-escpos's own profiles."""

from __future__ import annotations

import importlib.resources
import json
import os
from dataclasses import dataclass
from functools import cache
from typing import Any


@dataclass(frozen=True)
class ProfileData:
    """The part of ``escpos.capabilities.BaseProfile`` that ``check_mode`` reads."""

    profile_data: dict[str, Any]

    @property
    def codePages(self) -> dict[str, str]:  # python-escpos spells it so
        return dict(self.profile_data.get("codePages", {}))


def _capabilities() -> dict[str, Any]:
    """The file python-escpos reads: ``ESCPOS_CAPABILITIES_FILE`` (YAML) if set, else
    its own ``capabilities.json``."""
    override = os.environ.get("ESCPOS_CAPABILITIES_FILE")
    if override:
        import yaml

        with open(override, encoding="utf-8") as f:
            return dict(yaml.safe_load(f))
    ref = importlib.resources.files("escpos") / "capabilities.json"
    return dict(json.loads(ref.read_text(encoding="utf-8")))


@cache
def get_profile(name: str = "default") -> ProfileData:
    """One profile's data; KeyError for an unknown name, as python-escpos raises."""
    return ProfileData(dict(_capabilities()["profiles"][name]))
