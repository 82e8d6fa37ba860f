"""What ``qms serve`` prints once the hall is ready: where the config came from, a link
for every page (a demo device's with its token), the demo accounts still on the demo
password, and whether the displays can speak. Printed at every start, not only the first,
so a new user can open the hall from the terminal alone."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from qms import config
from qms.storage.models import User
from qms.usecases.auth import DEMO_PASSWORD, DEMO_STAFF

PAGES = {"kiosk": "kiosk", "display": "displays"}  # device kind -> its page's folder


@dataclass(frozen=True, slots=True)
class Account:
    username: str
    role: str


def demo_accounts(engine: Engine) -> list[Account]:
    """The demo accounts that exist and still open with the demo password: one argon2
    check per distinct hash (the demo accounts share one), so a changed password is
    never printed as if it worked."""
    demo = [u for u, _, _ in DEMO_STAFF]
    with Session(engine) as s:
        users = s.exec(select(User).where(col(User.username).in_(demo))).all()
    hasher, works = PasswordHasher(), dict[str, bool]()
    for u in users:
        if u.password_hash not in works:
            try:
                works[u.password_hash] = hasher.verify(u.password_hash, DEMO_PASSWORD)
            except (VerificationError, InvalidHashError):
                works[u.password_hash] = False
    order = {name: n for n, name in enumerate(demo)}
    found = sorted((u for u in users if works[u.password_hash]), key=lambda u: order[u.username])
    return [Account(u.username, u.role) for u in found]


def lines(
    base: str,
    settings: config.Settings,
    source: Path,
    cmis_url: str,
    accounts: Sequence[Account],
    espeak: str = "espeak-ng",
) -> list[str]:
    """The banner, its last line "hall ready" (so whoever waits for it has it all)."""
    base = settings.server.public_url or base
    out = []
    if source == config.PACKAGED_DEFAULTS:
        out.append(
            f"  config: no {config.DEFAULT_PATH} in {Path.cwd()}: the demo hall from the "
            f"packaged defaults ({source}); copy it to {config.DEFAULT_PATH} to change it"
        )
    else:
        out.append(f"  config: {source}")
    out.append("  pages:")
    for d in settings.devices:
        if d.kind not in PAGES:
            continue
        token = f"demo-{d.id}"  # the demo config's devices; any other enrols with its own
        query = f"?token={token}" if config.token_hash(token) == d.token_sha256 else ""
        out.append(f"    {d.kind} {d.id}: {base}/{PAGES[d.kind]}/{query}")
    out.append(f"    counters (staff sign in): {base}/counters/")
    out.append(f"    administration: {base}/counters/admin.html")
    out.append(f"    the company view: {base}/counters/company.html")
    if accounts:
        out.append(f"  demo accounts (password {DEMO_PASSWORD}):")
        roles: dict[str, list[str]] = {}
        for a in accounts:
            roles.setdefault(a.role, []).append(a.username)
        out += [f"    {role}: {', '.join(names)}" for role, names in roles.items()]
    if shutil.which(espeak):
        out.append("  announcements: spoken (espeak-ng) and a chime")
    else:
        out.append(
            "  announcements: chime only, no speech: espeak-ng is not installed "
            "(apt-get install espeak-ng, then restart)"
        )
    out.append(f"qms: hall ready at {base}  (CMIS at {cmis_url})")
    return out
