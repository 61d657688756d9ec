"""sms.phone: every way people write a number ends as one canonical address."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sms.phone import Address, InvalidAddress, normalize_address, normalize_recipient


@pytest.mark.parametrize(
    "raw",
    [
        "+14155550100",
        "+1 (415) 555-0100",
        "+1 415 555 0100",
        "(415) 555-0100",
        "415.555.0100",
        "415-555-0100",
        "4155550100",
        "1 415 555 0100",
        "011 1 415 555 0100",
        "  +1-415-555-0100\n",
        "+１４１５５５５０１００",  # full-width digits, as some phone keyboards type them
    ],
)
def test_many_spellings_of_one_us_number_give_one_e164(raw: str) -> None:
    assert normalize_address(raw) == Address("+14155550100", "e164")


@pytest.mark.parametrize(
    "raw",
    ["+442079460958", "+44 20 7946 0958", "0044 20 7946 0958", "011 44 20 7946 0958", "+44 (0)20 7946 0958"],
)
def test_international_spellings(raw: str) -> None:
    assert normalize_address(raw) == Address("+442079460958", "e164")


def test_national_format_uses_the_default_region() -> None:
    assert normalize_address("020 7946 0958", default_region="GB").value == "+442079460958"
    assert normalize_address("030 1234567", default_region="DE").value == "+49301234567"


@pytest.mark.parametrize("raw", ["+15005550006", "+15005550001", "+999123456789", "+1 500 555 0006"])
def test_well_formed_e164_unknown_to_phonenumbers_is_kept(raw: str) -> None:
    # Twilio's magic numbers and brand-new ranges must never cost us a customer's text.
    address = normalize_address(raw)
    assert address.kind == "e164"
    assert address.value == raw.replace(" ", "")


@pytest.mark.parametrize("raw", ["123", "12345", "898211", "12345678"])
def test_short_codes_are_kept(raw: str) -> None:
    assert normalize_address(raw) == Address(raw, "short_code")


@pytest.mark.parametrize("raw", ["MyBrand", "VERIFY", "Acme Co", "ACME-2FA", "shop.io", "a_b", "X"])
def test_alphanumeric_sender_ids_are_kept(raw: str) -> None:
    assert normalize_address(raw) == Address(raw, "alphanumeric")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("+", "not a valid phone number"),
        ("+1", "not a valid phone number"),
        ("12", "not a valid phone number"),
        ("+12345", "not a valid phone number"),
        ("<script>", "not a phone number"),
        ("hello world!", "not a phone number"),
        ("ABCDEFGHIJKL", "not a phone number"),  # 12 characters: too long for a sender ID
        ("+1415\x005550100", "NUL"),
        ("9" * 65, "too long"),
        ("whatsapp:+14155550100", "unsupported channel 'whatsapp'"),
        ("messenger:123456", "unsupported channel 'messenger'"),
        ("tel:+14155550100", "unsupported channel 'tel'"),
        ("123456789012", "not a valid phone number"),
    ],
)
def test_invalid_addresses_raise_with_a_clear_message(raw: str, message: str) -> None:
    with pytest.raises(InvalidAddress, match=message):
        normalize_address(raw)


def test_invalid_address_is_a_value_error() -> None:
    assert issubclass(InvalidAddress, ValueError)


def test_non_text_is_rejected() -> None:
    with pytest.raises(InvalidAddress):
        normalize_address(None)  # type: ignore[arg-type]


@given(st.text(max_size=80))
def test_normalize_address_only_ever_raises_invalid_address(raw: str) -> None:
    try:
        address = normalize_address(raw)
    except InvalidAddress:
        return
    assert address.kind in ("e164", "short_code", "alphanumeric")
    assert address.value and "\x00" not in address.value


@given(st.from_regex(r"\A\+?[0-9 ()./-]{0,30}\Z"))
def test_phone_like_text_never_raises_anything_else(raw: str) -> None:
    try:
        address = normalize_address(raw)
    except InvalidAddress:
        return
    if address.kind == "e164":
        assert address.value.startswith("+") and address.value[1:].isdigit()


def test_normalize_is_idempotent_for_e164() -> None:
    once = normalize_address("(415) 555-0100").value
    assert normalize_address(once).value == once


def test_recipient_accepts_formatted_numbers_and_short_codes() -> None:
    assert normalize_recipient("(415) 555-0100") == "+14155550100"
    assert normalize_recipient("+15005550006") == "+15005550006"
    assert normalize_recipient("12345") == "12345"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("MyBrand", "sender name"),
        ("+999123456789", "not a possible phone number"),  # well-formed, but no such country code
        ("whatsapp:+14155550100", "unsupported channel"),
        ("", "empty"),
    ],
)
def test_recipient_is_stricter(raw: str, message: str) -> None:
    with pytest.raises(InvalidAddress, match=message):
        normalize_recipient(raw)
