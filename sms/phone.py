"""Phone addresses: turn whatever a carrier or an agent wrote into one canonical string."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, timezone

AddressKind = Literal["e164", "short_code", "alphanumeric"]

# Longer than any real address; keeps phonenumbers (and our regexes) away from megabyte inputs.
MAX_ADDRESS_LENGTH = 64

_E164_RE = re.compile(r"\+[1-9][0-9]{6,14}")
_SHORT_CODE_RE = re.compile(r"[0-9]{3,8}")
_ALPHANUMERIC_RE = re.compile(r"[A-Za-z0-9 ._-]{1,11}")
_HAS_LETTER_RE = re.compile(r"[A-Za-z]")
# \d on purpose: phonenumbers understands Arabic-Indic and full-width digits and maps them to ASCII.
_PHONE_CHARS_RE = re.compile(r"[+\d\s().\-/]+")
_FORMATTING_RE = re.compile(r"[\s().\-/]")
_CHANNEL_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


class InvalidAddress(ValueError):
    """The text is not a phone number, short code or alphanumeric sender ID we can use."""


@dataclass(frozen=True, slots=True)
class Address:
    """A normalised address: E.164 number, short code or alphanumeric sender ID."""

    value: str
    kind: AddressKind


def normalize_address(raw: str, default_region: str = "US") -> Address:
    """Normalise an inbound sender/recipient address; raise InvalidAddress when it is unusable."""
    if not isinstance(raw, str):
        raise InvalidAddress(f"address must be text, not {type(raw).__name__}")
    return _normalize_cached(raw, default_region)


def normalize_recipient(raw: str, default_region: str = "US") -> str:
    """Normalise a number we are about to text: a possible E.164 number or a short code, never a name."""
    address = normalize_address(raw, default_region)
    if address.kind == "alphanumeric":
        raise InvalidAddress(f"{address.value!r} is a sender name, not a number that can receive texts")
    if address.kind == "e164" and not _is_possible(address.value):
        # Inbound accepts such numbers so no customer text is lost; sending to one would only bounce.
        raise InvalidAddress(f"{address.value} is not a possible phone number")
    return address.value


@lru_cache(maxsize=4096)
def _normalize_cached(raw: str, default_region: str) -> Address:
    # Cached because the same few numbers arrive on every webhook; exceptions are not cached.
    text = raw.strip()
    if not text:
        raise InvalidAddress("address is empty")
    if len(text) > MAX_ADDRESS_LENGTH:
        raise InvalidAddress(f"address is too long ({len(text)} characters, at most {MAX_ADDRESS_LENGTH})")
    if "\x00" in text:
        raise InvalidAddress("address contains a NUL character")
    channel = _CHANNEL_RE.match(text)
    if channel:
        raise InvalidAddress(f"unsupported channel {channel.group(1).lower()!r}: only SMS/MMS addresses")
    if _SHORT_CODE_RE.fullmatch(text):
        return Address(text, "short_code")
    if _ALPHANUMERIC_RE.fullmatch(text) and _HAS_LETTER_RE.search(text):
        return Address(text, "alphanumeric")
    if not _PHONE_CHARS_RE.fullmatch(text):
        raise InvalidAddress(f"{text!r} is not a phone number, short code or sender name")

    number = _parse(text, default_region)
    if number is None and text.startswith("00"):
        # "00" is the international prefix almost everywhere, but not in the default region's own
        # rules for, e.g., the US (011), so "0044 20 …" only parses when read as "+44 20 …".
        number = _parse("+" + text[2:], default_region)
    if number is not None:
        return Address(phonenumbers.format_number(number, PhoneNumberFormat.E164), "e164")

    compact = _FORMATTING_RE.sub("", text)
    if _E164_RE.fullmatch(compact):
        # Well-formed but unknown to phonenumbers (test ranges, newly opened ranges): keep the text
        # rather than drop a customer's message.
        return Address(compact, "e164")
    raise InvalidAddress(f"{text!r} is not a valid phone number")


def _parse(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    """Parse text as a phone number; None unless phonenumbers finds it valid or at least possible."""
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        return None
    if phonenumbers.is_valid_number(number) or phonenumbers.is_possible_number(number):
        return number
    return None


def _is_possible(e164: str) -> bool:
    """Whether phonenumbers thinks an E.164 string could be dialled."""
    try:
        return phonenumbers.is_possible_number(phonenumbers.parse(e164, None))
    except NumberParseException:
        return False


def time_zones(e164: str) -> tuple[str, ...]:
    """The IANA time zones a number may be in, from its prefix (phonenumbers' geocoding); () when unknown."""
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return ()
    return tuple(zone for zone in timezone.time_zones_for_number(number) if zone != "Etc/Unknown")
