"""Website and app use: user agents, cookie ids, visited paths; and an offline email recognizer.

Accepted forms
- USER_AGENT: ``Mozilla/5.0 (...)`` browser strings, known HTTP clients (``okhttp/4.9.0``,
  ``Dalvik/2.1.0 (Linux; ...)``, ``curl/8.1``), and ``Product/1.2 (comment; with; parts)``.
- COOKIE_ID: Google Analytics ``GA1.2.<client>.<time>`` (optionally ``_ga=`` in front), GA4
  ``GS1.1.<time>...``, Meta ``fb.1.<ms>.<id>``; a UUID only as a candidate (request ids look
  the same): context such as ``cookie`` or ``visitor`` lifts it.
- URL_PATH: an absolute path of a site or API, ``/console/sims/123?tab=usage``, not the path
  part of a full URL (Presidio's URL) and not a date's slashes.
- EMAIL_ADDRESS: Presidio's email pattern, validated against tldextract's bundled public suffix
  snapshot; the stock recognizer's module-level extractor downloads the suffix list on first use.
"""

from __future__ import annotations

import tldextract
from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import EmailRecognizer

from pipelines.discovery.recognizers.base import ValueRecognizer

_UA_COMMENT = r"(?:\s*\([^()\n]*\))?"
_END = r"(?![\w.])"


class UserAgentRecognizer(ValueRecognizer):
    """An HTTP User-Agent header value."""

    ENTITY = "USER_AGENT"
    PATTERNS = (
        Pattern("browser user agent", r"\b(?:Mozilla|Opera)/\d+\.\d+\s*\([^()\n]*\)[^\n\"]*", 0.85),
        Pattern(
            "HTTP client user agent",
            r"\b(?:Dalvik|okhttp|curl|Wget|python-requests|python-urllib3?|Go-http-client|Java"
            r"|Apache-HttpClient|PostmanRuntime|axios|node-fetch|CFNetwork|AppleCoreMedia)/\d[\w.-]*"
            + _UA_COMMENT,
            0.6,
        ),
        Pattern("product/version (comment)", r"\b[a-z][\w.-]{1,40}/\d[\w.]*\s+\([^()\n]*;[^()\n]*\)", 0.5),
    )
    CONTEXT = ("agent", "browser", "client")


class CookieIdRecognizer(ValueRecognizer):
    """An identifier a tracking or session cookie holds."""

    ENTITY = "COOKIE_ID"
    PATTERNS = (
        Pattern(
            "Google Analytics _ga", r"\b(?:_g[a-z]{1,2}(?:_\w+)?=)?GA\d\.\d\.\d{1,12}\.\d{1,10}" + _END, 0.9
        ),
        Pattern("Google Analytics 4 _ga_<id>", r"\bGS\d\.\d\.\d{9,10}(?:\.\d+){2,8}" + _END, 0.8),
        Pattern("Meta pixel _fbp", r"\bfb\.\d\.\d{13}\.\d{5,20}" + _END, 0.8),
        Pattern("UUID", r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", 0.05),
    )
    CONTEXT = ("cookie", "visitor", "tracking", "clientid", "client_id", "anonymous")


class UrlPathRecognizer(ValueRecognizer):
    """The path of a page or API call a consumer made."""

    ENTITY = "URL_PATH"
    PATTERNS = (
        Pattern(
            "absolute path",
            r"(?<![\w/:.~%-])/[\w.~%-]*[a-z][\w.~%-]*(?:/[\w.~%-]+)*/?(?:\?[^\s#\"']*)?(?:#[^\s\"']*)?",
            0.3,
        ),
    )
    CONTEXT = ("path", "page", "route", "endpoint", "referrer", "referer", "uri")


# Built with no suffix-list URLs and no cache: the bundled snapshot, never the network.
_SNAPSHOT_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's EmailRecognizer, validating domains against the bundled public suffix list."""

    def validate_result(self, pattern_text: str) -> bool:
        return _SNAPSHOT_EXTRACTOR(pattern_text).fqdn != ""
