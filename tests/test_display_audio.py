"""Hall display announcements: clips rendered ahead with the real espeak-ng, served by the
hall, and played by a real display page in Debian chromium strictly one after another."""

from __future__ import annotations

import array
import itertools
import shutil
import uuid
import wave
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from qms import config
from qms.devices import announce
from tests.browser import Console
from tests.conftest import ROOT, Customers, HallServer, require_service
from tests.hallclient import Staff


def settings(**renames: str) -> config.Settings:
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    for c in raw["branches"][0]["counters"]:
        c["name"] = renames.get(c["code"], c["name"])
    return config.parse(raw)


def need_espeak() -> None:
    if not shutil.which("espeak-ng"):
        require_service("espeak-ng", "apt-get install -y espeak-ng")


def seconds(path: Path) -> float:
    """Duration of a WAV, after checking it really holds sound."""
    with wave.open(str(path), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
        frames = array.array("h", w.readframes(w.getnframes()))
        assert max(abs(s) for s in frames) > 3000, f"{path.name} is silent"
        return w.getnframes() / w.getframerate()


def all_files(m: announce.Manifest) -> list[str]:
    files = [m["chime"]]
    for clips in m["langs"].values():
        files += [*clips["digits"], clips["lead"], clips["to"]]
        files += [f for codes in clips["counters"].values() for f in codes.values()]
    return files


def test_build_clips_with_espeak(tmp_path: Path) -> None:
    need_espeak()
    s = settings()
    m = announce.build_clips(s, tmp_path)
    assert m["speech"] is True
    assert set(m["langs"]) == {"vi", "en"}
    cashiers = {b.id: {c.code for c in b.counters if c.kind == "cashier"} for b in s.branches}
    for clips in m["langs"].values():
        assert len(clips["digits"]) == 10 and len(set(clips["digits"])) == 10
        assert {b: set(codes) for b, codes in clips["counters"].items()} == cashiers
    assert 0.8 < seconds(tmp_path / m["chime"]) < 2
    for name in all_files(m):
        assert announce.FILE_NAME.fullmatch(name)
        assert 0.15 < seconds(tmp_path / name) < 3, name
    assert m["texts"]["vi|Quầy 1"] == m["langs"]["vi"]["counters"]["PE0100"]["C1"]
    assert "en|counter 1" in m["texts"]

    # a second build renders nothing; a renamed counter gets a new clip, alone
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.glob("*.wav")}
    assert announce.build_clips(s, tmp_path) == m
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.glob("*.wav")} == before
    m2 = announce.build_clips(settings(C2="Quầy thu 2"), tmp_path)
    new = {p.name for p in tmp_path.glob("*.wav")} - set(before)
    assert new == {m2["langs"]["vi"]["counters"]["PE0100"]["C2"]}
    assert m2["langs"]["en"]["counters"] == m["langs"]["en"]["counters"]  # still "counter 2"
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.glob("*.wav") if p.name in before} == (
        before
    )


def test_without_espeak_only_the_chime(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    bogus = f"no-espeak-{uuid.uuid4().hex[:8]}"
    m = announce.build_clips(settings(), tmp_path, espeak=bogus)
    m = announce.build_clips(settings(), tmp_path, espeak=bogus)
    assert m["speech"] is False and m["langs"] == {}
    assert [p.name for p in tmp_path.glob("*.wav")] == [m["chime"]]
    assert seconds(tmp_path / m["chime"]) > 0.8
    assert len([r for r in caplog.records if bogus in r.getMessage()]) == 1, "warned once"


def manifest(hall: HallServer) -> dict[str, Any]:
    """The hall's manifest: its clips are built before the server says it is ready."""
    return dict(httpx.get(f"{hall.base}/audio/manifest.json").json())


def test_the_hall_serves_manifest_and_clips(hall: HallServer) -> None:
    need_espeak()
    m = manifest(hall)
    assert m["ready"] and m["speech"], m
    urls = [m["chime"]]
    for clips in m["langs"].values():
        urls += [
            *clips["digits"],
            clips["lead"],
            clips["to"],
            *clips["counters"]["PE0100"].values(),
        ]
    assert set(m["langs"]["vi"]["counters"]["PE0100"]) == {"C1", "C2", "C3", "C4"}
    with httpx.Client(base_url=hall.base) as http:
        for url in urls:
            r = http.get(url)
            assert r.status_code == 200 and r.headers["content-type"] == "audio/wav", url
            assert r.content[:4] == b"RIFF"
        for bad in ["manifest.json.part", "ABCDEF0123456789abcd.wav", "..%2Fqms.db", "x.wav"]:
            r = http.get(f"/audio/{bad}")
            assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", bad


# --- the display page ------------------------------------------------------------------


def expected(number: int, counter: str) -> list[tuple[str, str | None]]:
    spoken: list[tuple[str, str | None]] = [("chime", None)]
    for lang in ("vi", "en"):
        spoken += [("lead", lang), *[(f"digit:{d}", lang) for d in str(number)]]
        spoken += [("to", lang), (f"counter:{counter}", lang)]
    return spoken


@pytest.mark.browser
def test_display_announces_calls_one_after_another(
    browser: Any, hall: HallServer, staff: dict[str, Staff], customers: Customers
) -> None:
    need_espeak()
    console = Console()  # the session's chromium allows autoplay (tests/browser.py)
    page = console.watch(browser.new_page(viewport={"width": 1080, "height": 1920}))
    page.goto(f"{hall.base}/displays/?token=demo-display-1")
    page.wait_for_selector("body[data-state=online]")
    page.wait_for_selector("body[data-audio=on]", timeout=20000)
    assert page.is_hidden("#sound")

    for _ in range(2):
        staff["reception"].post("/api/tickets", {"customers": [customers.take()]})
    first = staff["c1"].act("call-next")["number"]
    second = staff["c2"].act("call-next")["number"]
    staff["c1"].act("recall")
    page.wait_for_selector("body[data-announced='3']", timeout=40000)
    log = page.evaluate("window.qmsAnnouncer.log")

    calls = [
        (first, "C1", "ticket.called"),
        (second, "C2", "ticket.called"),
        (first, "C1", "ticket.recalled"),
    ]
    want = [(n, c, e, clip) for n, c, e in calls for clip in expected(n, c)]
    got = [(x["ticket"], x["counter"], x["event"], (x["clip"], x["lang"])) for x in log]
    assert got == want  # chime first, Vietnamese then English, the recall spoken again
    for a, b in itertools.pairwise(log):
        assert a["startedAt"] < a["endedAt"] <= b["startedAt"], (a, b)  # never two at once
    assert page.is_visible(f"#counter-C1:text-is('{first}')")

    # a fresh page gets a snapshot: nothing of it is spoken
    again = console.watch(browser.new_page(viewport={"width": 1920, "height": 1080}))
    again.goto(f"{hall.base}/displays/?token=demo-display-1")
    again.wait_for_selector("body[data-audio=on]", timeout=20000)
    again.wait_for_selector(f"#counter-C2:text-is('{second}')")
    again.wait_for_timeout(300)
    assert again.evaluate("window.qmsAnnouncer.log.length") == 0
    assert console.errors == []
    page.close()
    again.close()
