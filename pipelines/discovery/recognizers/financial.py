"""Payment data: card numbers full and masked, bank accounts, amounts, payment methods.

Accepted forms
- CREDIT_CARD: 12-19 digits (spaces or dashes allowed) in a card network's IIN range with a length
  that network issues, Luhn-valid. Replaces Presidio's ``CreditCardRecognizer``, whose weak pattern
  also takes 15-digit IMEIs and IMSIs starting with 3 for Amex-like numbers.
- MASKED_CARD_NUMBER: ``**** **** **** 4242``, ``XXXX-XXXX-XXXX-4242``, ``424242******4242``; a whole
  value of four digits (``4242``, a stored "last 4") only as a candidate that context lifts.
- IBAN_CODE: Presidio's ``IbanRecognizer`` (country format and mod-97), registered by the analyzer.
- BANK_ACCOUNT: UK sort code + account (``12-34-56 12345678``); a whole value of 8-17 digits (US
  account numbers) only as a candidate that context (``account``, ``bank``) lifts.
- MONEY_AMOUNT: an amount with a currency sign or ISO code: ``$12.50``, ``12.50 USD``, ``EUR 9,99``.
- PAYMENT_METHOD: card brands and payment method names (``visa``, ``credit_card``, ``bank_transfer``,
  ``paypal``, ``sepa_debit``, ...).
"""

from __future__ import annotations

from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import CreditCardRecognizer

from pipelines.discovery.recognizers.base import ValueRecognizer
from pipelines.discovery.recognizers.checksums import digits_of, is_repeated

# (lowest prefix, highest prefix, card lengths): Visa, Mastercard, Amex, Discover, JCB, Diners,
# UnionPay, Maestro, UATP.
_ISSUER_RANGES: tuple[tuple[int, int, frozenset[int]], ...] = (
    (4, 4, frozenset({13, 16, 19})),
    (51, 55, frozenset({16})),
    (2221, 2720, frozenset({16})),
    (34, 34, frozenset({15})),
    (37, 37, frozenset({15})),
    (6011, 6011, frozenset(range(16, 20))),
    (644, 649, frozenset(range(16, 20))),
    (65, 65, frozenset(range(16, 20))),
    (3528, 3589, frozenset(range(16, 20))),
    (300, 305, frozenset(range(14, 20))),
    (36, 36, frozenset(range(14, 20))),
    (38, 39, frozenset(range(16, 20))),
    (62, 62, frozenset(range(16, 20))),
    (50, 50, frozenset(range(12, 20))),
    (56, 58, frozenset(range(12, 20))),
    (1, 1, frozenset({15})),
)


def issued_card_number(digits: str) -> bool:
    """True when the digits fall in a card network's IIN range with a length it issues."""
    return any(
        low <= int(digits[: len(str(low))]) <= high and len(digits) in lengths
        for low, high, lengths in _ISSUER_RANGES
    )


class CardNumberRecognizer(CreditCardRecognizer):
    """A full payment card number (PAN), Luhn-checked and within an issuer's range."""

    PATTERNS = [  # noqa: RUF012 (Presidio's CreditCardRecognizer declares a list)
        Pattern("card number (12-19 digits)", r"(?<![\w.+-])\d{4}(?:[ -]?\d){8,15}(?![\w-]|\.\d)", 0.3),
    ]

    def invalidate_result(self, pattern_text: str) -> bool:
        digits = digits_of(pattern_text)
        return is_repeated(digits) or not issued_card_number(digits)


_MASK = r"[*x•#]"


class MaskedCardRecognizer(ValueRecognizer):
    """A card number with all but the first six and/or last four digits masked."""

    ENTITY = "MASKED_CARD_NUMBER"
    PATTERNS = (
        Pattern(
            "masked card number",
            rf"(?<![\w*•#])(?:\d{{4}}[ -]?\d{{0,2}})?{_MASK}{{2,4}}"
            rf"(?:[ -]?{_MASK}{{4}}){{1,3}}[ -]?\d{{4}}(?!\w)",
            0.6,
        ),
        Pattern("masked card number (plain)", rf"(?<![\w*•#])\d{{0,6}}{_MASK}{{6,12}}\d{{4}}(?!\w)", 0.6),
        Pattern("last four digits (whole value)", r"^\d{4}$", 0.05),
    )
    CONTEXT = ("last4", "last_4", "last_four", "lastfour", "card", "pan", "masked")


class BankAccountRecognizer(ValueRecognizer):
    """A bank account number (IBANs are left to Presidio's IbanRecognizer)."""

    ENTITY = "BANK_ACCOUNT"
    PATTERNS = (
        Pattern("UK sort code + account", r"(?<![\w-])\d{2}-?\d{2}-?\d{2}[ /]\d{8}(?![\w-])", 0.5),
        Pattern("account number (whole value, 8-17 digits)", r"^\d{8,17}$", 0.05),
    )
    CONTEXT = ("account", "acct", "bank", "routing", "aba", "sort code", "checking", "savings")

    def invalidate_result(self, pattern_text: str) -> bool:
        return is_repeated(digits_of(pattern_text))


_CURRENCY_SIGN = r"(?:US\$|C\$|A\$|NZ\$|HK\$|R\$|[$€£¥₹])"
_CURRENCY_CODE = (
    r"(?:USD|EUR|GBP|CAD|AUD|NZD|JPY|CHF|CNY|HKD|SGD|INR|MXN|BRL|SEK|NOK|DKK|PLN|CZK|HUF|ZAR|KRW|TRY|ILS)"
)
_AMOUNT = r"-?\d{1,3}(?:[,.' ]?\d{3})*(?:[.,]\d{1,2})?"


class MoneyAmountRecognizer(ValueRecognizer):
    """A billed or paid amount written with its currency."""

    ENTITY = "MONEY_AMOUNT"
    PATTERNS = (
        Pattern("sign + amount", rf"(?<![\w.]){_CURRENCY_SIGN}\s?{_AMOUNT}(?![\w]|[.,]\d)", 0.6),
        Pattern("amount + code", rf"(?<![\w.,]){_AMOUNT}\s?{_CURRENCY_CODE}\b", 0.6),
        Pattern("code + amount", rf"\b{_CURRENCY_CODE}\s?{_AMOUNT}(?![\w]|[.,]\d)", 0.6),
    )
    CONTEXT = ("amount", "price", "total", "paid", "charge", "invoice", "balance", "fee", "cost")


class PaymentMethodRecognizer(ValueRecognizer):
    """How a consumer pays: a card brand or a payment method name."""

    ENTITY = "PAYMENT_METHOD"
    DENY_LIST = (
        "visa",
        "mastercard",
        "amex",
        "jcb",
        "maestro",
        "unionpay",
        "credit_card",
        "creditcard",
        "debit_card",
        "bank_transfer",
        "wire_transfer",
        "ach",
        "ach_debit",
        "sepa",
        "sepa_debit",
        "direct_debit",
        "bacs_debit",
        "paypal",
        "apple_pay",
        "google_pay",
        "venmo",
        "zelle",
        "klarna",
        "afterpay",
        "alipay",
        "wechat_pay",
        "sofort",
        "giropay",
        "cash",
        "cheque",
        "check",
        "card",
        "invoice",
        "master card",
        "american express",
        "diners club",
        "credit card",
        "debit card",
        "bank transfer",
        "wire transfer",
        "direct debit",
        "apple pay",
        "google pay",
    )
    DENY_LIST_SCORE = 0.5
    CONTEXT = ("payment", "method", "pay", "tender", "instrument")
