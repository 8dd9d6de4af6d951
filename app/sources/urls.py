"""URL rules for sources: only http(s) with a host, normalised so one article has one row."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

ALLOWED_SCHEMES = ("http", "https")
MAX_URL_LENGTH = 2048
# Query parameters that only track the reader; dropping them merges copies of one article.
TRACKING_PARAMETERS = ("fbclid", "gclid", "mc_cid", "mc_eid", "ocid", "igshid")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# What str.isspace() calls a space (re's \s, the same table), and the control characters: one
# search instead of a test per character, 9 µs → 0.5 µs a URL, and an import checks every source's.
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")
# A URL the rules below give back unchanged: lower-case http(s), a host of ASCII labels (1 to 63
# characters, as the IDNA codec allows), no port, user, query or fragment, and a path. An import's
# URLs nearly all are, and are matched instead of taken apart (docs/performance.md, "An import").
_ALREADY_NORMAL = re.compile(r"https?://(?:[a-z0-9-]{1,63}\.)+[a-z0-9-]{1,63}/[^?#]*")


def normalise_url(raw: str) -> str:
    """The canonical form of a source URL, or ValueError saying what is wrong with it."""
    url = raw.strip()
    if not url:
        raise ValueError("is empty")
    if len(url) > MAX_URL_LENGTH:
        raise ValueError(f"is longer than {MAX_URL_LENGTH} characters")
    if _SPACE_OR_CONTROL.search(url):
        raise ValueError("contains spaces or control characters")
    if _ALREADY_NORMAL.fullmatch(url):
        return url
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise ValueError(f"is not a valid URL ({error})") from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = f"'{scheme}:'" if scheme else "no scheme"
        raise ValueError(f"must start with http:// or https:// (it has {shown})")
    if not parts.hostname:
        raise ValueError("has no host name")
    if parts.username or parts.password:
        raise ValueError("must not contain a user name or password")
    try:
        host = parts.hostname.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise ValueError(f"has an invalid host name '{parts.hostname}'") from None
    if "." not in host and host != "localhost":
        raise ValueError(f"has an incomplete host name '{host}'")
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not name.lower().startswith("utm_") and name.lower() not in TRACKING_PARAMETERS
    ]
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(sorted(query)), ""))
