"""The composer's segment counter (static/js/inbox/segments.js) agrees with sms.segments, run under node."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from dataclasses import asdict
from pathlib import Path

import pytest

from sms.segments import analyze

SCRIPT = Path(__file__).resolve().parent / "segments_cli.mjs"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(
    NODE is None, reason="node is not installed: the JS segment counter is not run"
)

GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡AZÄÖÑÜ§¿azäöñüà"
EXTENSION = "€[]{}^~|\\\f"

TRICKY = [
    "",
    "hello",
    "Hi! Your order #42 is ready.",
    GSM_BASIC,
    EXTENSION,
    "Price: 10€ [incl. {tax}] ^~|\\",
    "It’s “quoted” — fine",
    "Thanks 🙏",
    "😀" * 35,
    "😀" * 36,
    "a" + "😀" * 34,
    "a" + "😀" * 35,
    "👩‍👩‍👧‍👦 family",
    "🇺🇸 flag",
    "e\u0301 combining accent",
    "ç lower c cedilla",
    "Ç upper c cedilla",
    "tab\tcharacter",
    "zero\u200bwidth",
    "\u00a0non-breaking space",
    "Ελληνικά",
    "中文短信",
    "Привет, как дела?",
    "`backtick`",
    "line\r\nbreaks\n",
    # GSM-7 boundaries: 160 fits one, 161 needs two, 153 per part after that.
    "a" * 159,
    "a" * 160,
    "a" * 161,
    "a" * 306,
    "a" * 307,
    "a" * 459,
    "a" * 460,
    "€" * 80,
    "€" * 81,
    "a" * 159 + "€",
    "a" * 158 + "€",
    "a" * 152 + "€" + "a" * 10,
    "a" * 153 + "€" * 5,
    "€" * 77,
    "a" + "€" * 76 + "b" * 10,
    # UCS-2 boundaries: 70 fits one, 71 needs two, 67 per part after that.
    "’" * 69,
    "’" * 70,
    "’" * 71,
    "’" * 134,
    "’" * 135,
    "a" * 69 + "’",
    "a" * 70 + "’",
    "a" * 66 + "😀" + "a" * 10,
    "a" * 65 + "😀" + "a" * 10,
    "😀" * 33 + "a" + "😀",
    "€’" * 40,
    "x" * 1600,
    "’" * 1600,
]


def js_analyses(bodies: list[str]) -> list[dict[str, object]]:
    assert NODE is not None
    result = subprocess.run(
        [NODE, str(SCRIPT)],
        input=json.dumps(bodies),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    analyses: list[dict[str, object]] = json.loads(result.stdout)
    return analyses


def python_analysis(body: str) -> dict[str, object]:
    info = asdict(analyze(body))
    info["non_gsm_chars"] = list(info["non_gsm_chars"])
    return info


def test_the_js_counter_matches_sms_segments_on_tricky_bodies() -> None:
    for body, js in zip(TRICKY, js_analyses(TRICKY), strict=True):
        assert js == python_analysis(body), repr(body)


def test_every_single_character_is_classified_alike() -> None:
    bodies = [chr(cp) for cp in range(0x2100)] + [chr(cp) * 71 for cp in (0x1F600, 0x20AC, 0xE9, 0x2019)]
    for body, js in zip(bodies, js_analyses(bodies), strict=True):
        assert js == python_analysis(body), repr(body)


def test_random_mixes_near_the_boundaries_agree() -> None:
    pieces = ["a", " ", "€", "[", "’", "é", "ç", "😀", "👍🏽", "\n", "Ω", "中"]
    rng = random.Random(3)  # fixed: a failure is reproducible
    bodies = []
    for _ in range(400):
        length = rng.choice([rng.randint(60, 75), rng.randint(130, 170), rng.randint(300, 320)])
        weights = [40, 5, 2, 2, 1, 2, 1, 1, 1, 1, 1, 1] if rng.random() < 0.7 else None
        bodies.append("".join(rng.choices(pieces, weights=weights, k=length)))
    for body, js in zip(bodies, js_analyses(bodies), strict=True):
        assert js == python_analysis(body), repr(body)
