"""Spoken calls for the hall displays, made ahead of time so they need no online service.

The hall's network may have no internet and display PCs rarely have a Vietnamese voice,
so the server renders short WAV clips once with espeak-ng (digits, "Mời số", "đến", each
cashier counter's name, and the same in English) and a chime synthesised here. A display
joins them per call. File names are a hash of what they say, so a renamed counter gets a
new clip and an unchanged one is never rendered twice.

`build_clips` is synchronous and slow-ish (a few seconds at most): run it in a thread.
It writes `manifest.json` into the folder; `qms.http.audio` serves that and the clips.

Manifest shape (file names, relative to the folder)::

    {
      "version": 1,
      "speech": true,                 # false: espeak-ng missing, chime only
      "chime": "<hash>.wav",
      "langs": {                      # empty when speech is false
        "vi": {"digits": [10 files, 0..9], "lead": file, "to": file,
               "counters": {"<branch id>": {"<counter code>": file}}},
        "en": {...}
      },
      "texts": {"<lang>|<text>": file}  # the cache index: what each clip says
    }
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import functools
import hashlib
import json
import logging
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import wave
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypedDict

from qms.config import Settings

log = logging.getLogger(__name__)

DEFAULT_FOLDER = Path("data/audio")
MANIFEST = "manifest.json"
FILE_NAME = re.compile(r"^[0-9a-f]{20}\.wav$")
RATE = 22050  # espeak-ng's own rate: every clip shares one format
SPEED_WPM = 150  # a little slower than espeak's 175: a hall is noisy
VOICES = {"vi": "vi", "en": "en"}
WORDS = {
    "vi": {
        "digits": ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"],
        "lead": "Mời số",
        "to": "đến",
    },
    "en": {
        "digits": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
        "lead": "Number",
        "to": "to",
    },
}
_warned: set[str] = set()


class LangClips(TypedDict):
    digits: list[str]
    lead: str
    to: str
    counters: dict[str, dict[str, str]]


class Manifest(TypedDict):
    version: int
    speech: bool
    chime: str
    langs: dict[str, LangClips]
    texts: dict[str, str]


def clip_name(lang: str, text: str) -> str:
    """Safe, stable file name: a hash of voice, speed and text, never the text itself."""
    key = f"{VOICES[lang]}|{SPEED_WPM}|{text}"
    return hashlib.sha256(key.encode()).hexdigest()[:20] + ".wav"


def counter_text(lang: str, code: str, name: str) -> str:
    """Vietnamese says the name as the hall writes it; English says "counter N" when the
    name or the code ends in a number (an English voice mangles "Quầy"), else the name."""
    if lang == "vi":
        return name
    m = re.search(r"(\d+)\s*$", name) or re.search(r"(\d+)$", code)
    return f"counter {int(m.group(1))}" if m else name


#: a hall's counters as the clips need them: branch -> [(code, name, kind)]
Counters = Mapping[str, Sequence[tuple[str, str, str]]]


def config_counters(settings: Settings) -> dict[str, list[tuple[str, str, str]]]:
    return {b.id: [(c.code, c.name, c.kind) for c in b.counters] for b in settings.branches}


def build_clips(
    settings: Settings,
    folder: str | Path = DEFAULT_FOLDER,
    *,
    espeak: str = "espeak-ng",
    stop: threading.Event | None = None,
    halls: Counters | None = None,
) -> Manifest:
    """Render every clip the displays may need into `folder`, reusing existing ones, and
    write `manifest.json`. Never raises for a clip that fails: it is left out and logged.
    ``halls``: the organisation's counters (docs/admin.md); None: config.yaml's."""
    halls = halls if halls is not None else config_counters(settings)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    old = _read_texts(folder)
    chime = _write_chime(folder)
    binary = shutil.which(espeak)
    if binary is None:
        if espeak not in _warned:
            _warned.add(espeak)
            log.warning("%s not found: hall displays will chime without speech", espeak)
        manifest = Manifest(version=1, speech=False, chime=chime, langs={}, texts={})
        _write_json(folder / MANIFEST, manifest)
        return manifest

    wanted: dict[str, tuple[str, str]] = {}  # "lang|text" -> (lang, text)
    for lang, words in WORDS.items():
        for text in [*words["digits"], words["lead"], words["to"]]:
            wanted[f"{lang}|{text}"] = (lang, str(text))
        for mine in halls.values():
            for code, name, kind in mine:
                if kind == "cashier":  # only cashiers call numbers
                    text = counter_text(lang, code, name)
                    wanted[f"{lang}|{text}"] = (lang, text)

    texts: dict[str, str] = {}
    todo: list[tuple[str, str, str]] = []
    for key, (lang, text) in wanted.items():
        name = clip_name(lang, text)
        if old.get(key) == name and (folder / name).is_file():
            texts[key] = name
        else:
            todo.append((key, lang, text))
    with ThreadPoolExecutor(max_workers=4) as pool:
        done = pool.map(lambda job: _speak(binary, folder, job[1], job[2], stop), todo)
        for (key, _, _), clip in zip(todo, done, strict=True):
            if clip:
                texts[key] = clip
    if todo:
        log.info("announcements: %d clips rendered, %d reused", len(todo), len(wanted) - len(todo))

    langs: dict[str, LangClips] = {}
    for lang, words in WORDS.items():
        digits = [texts.get(f"{lang}|{d}") for d in words["digits"]]
        lead, to = texts.get(f"{lang}|{words['lead']}"), texts.get(f"{lang}|{words['to']}")
        if lead is None or to is None or None in digits:
            log.warning("announcements: %s clips incomplete, %s left out", lang, lang)
            continue
        counters: dict[str, dict[str, str]] = {}
        for branch_id, mine in halls.items():
            for code, name, kind in mine:
                clip = texts.get(f"{lang}|{counter_text(lang, code, name)}")
                if kind == "cashier" and clip:
                    counters.setdefault(branch_id, {})[code] = clip
        langs[lang] = LangClips(
            digits=[d for d in digits if d], lead=lead, to=to, counters=counters
        )
    manifest = Manifest(version=1, speech=bool(langs), chime=chime, langs=langs, texts=texts)
    _write_json(folder / MANIFEST, manifest)
    return manifest


async def prepare(
    settings: Settings, folder: str | Path = DEFAULT_FOLDER, counters: Counters | None = None
) -> None:
    """For the lifespan (and again when the admin pages change a hall's counters): build
    in a thread, log any failure (a hall without sound still works), and on cancel let the
    thread stop after its current clip."""
    stop = threading.Event()
    try:
        await asyncio.to_thread(
            functools.partial(build_clips, settings, folder, stop=stop, halls=counters)
        )
    except asyncio.CancelledError:
        stop.set()
        raise
    except Exception:
        log.exception("announcements: could not build the clips in %s", folder)


def _read_texts(folder: Path) -> dict[str, str]:
    try:
        texts = json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("texts", {})
    except (OSError, ValueError, AttributeError):
        return {}
    return texts if isinstance(texts, dict) else {}


def _speak(
    binary: str, folder: Path, lang: str, text: str, stop: threading.Event | None
) -> str | None:
    """One clip through espeak-ng, trimmed of its long tail, written atomically."""
    if stop is not None and stop.is_set():
        return None
    name = clip_name(lang, text)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        raw = Path(tmp) / "raw.wav"
        try:
            subprocess.run(
                [binary, "-v", VOICES[lang], "-s", str(SPEED_WPM), "-w", str(raw), "--", text],
                check=True,
                capture_output=True,
                timeout=20,
            )
            with wave.open(str(raw), "rb") as w:
                if (w.getnchannels(), w.getsampwidth()) != (1, 2):
                    raise ValueError("espeak-ng wrote an unexpected format")
                rate = w.getframerate()
                samples = array.array("h", w.readframes(w.getnframes()))
            if sys.byteorder == "big":
                samples.byteswap()  # WAV is little-endian
        except (OSError, subprocess.SubprocessError, wave.Error, ValueError) as exc:
            log.warning("announcements: no %s clip for %r: %s", lang, text, exc)
            return None
        _write_wav(folder / name, _trim(samples, rate), rate)
    return name


def _trim(samples: array.array[int], rate: int) -> array.array[int]:
    """Cut leading and trailing silence (espeak-ng leaves ~0.4 s) to a short pad, so
    joined clips sound like one sentence."""
    loud = [i for i, s in enumerate(samples) if abs(s) > 400]
    if not loud:
        return samples
    pad = int(rate * 0.05)
    return samples[max(0, loud[0] - pad) : min(len(samples), loud[-1] + 2 * pad)]


def _write_chime(folder: Path) -> str:
    """Two soft bell-like tones (E5 then C5), synthesised: no external file to ship."""
    tones = [(659.25, 0.0), (523.25, 0.42)]
    seconds = 1.25
    name = hashlib.sha256(f"chime|{tones}|{seconds}|{RATE}".encode()).hexdigest()[:20] + ".wav"
    if (folder / name).is_file():
        return name
    n = int(RATE * seconds)
    out = array.array("h", bytes(2 * n))
    for freq, start in tones:
        first = int(RATE * start)
        for i in range(n - first):
            t = i / RATE
            attack = min(1.0, t / 0.01)  # no click at the onset
            env = attack * math.exp(-t * 4.5)
            v = env * (
                math.sin(2 * math.pi * freq * t) + 0.3 * math.sin(2 * math.pi * 2 * freq * t)
            )
            out[first + i] = max(-32767, min(32767, out[first + i] + int(v * 0.3 * 32767)))
    fade = int(RATE * 0.05)  # silence at the end, softly
    for i in range(fade):
        out[n - fade + i] = int(out[n - fade + i] * (1 - i / fade))
    _write_wav(folder / name, out, RATE)
    return name


def _write_wav(path: Path, samples: array.array[int], rate: int) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    os.close(fd)
    try:
        with wave.open(tmp, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            if sys.byteorder == "big":
                samples = array.array("h", samples)
                samples.byteswap()
            w.writeframes(samples.tobytes())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _write_json(path: Path, data: Manifest) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
