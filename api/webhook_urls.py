"""Webhook URLs may only point at the public internet: never back into the store's own network.

A webhook makes the server send HTTP requests to a URL an API caller chose. Pointed at `127.0.0.1`, at the
cloud metadata service (`169.254.169.254`) or at a machine on the store's LAN, it turns the loyalty service
into a way to reach what the caller could not (server-side request forgery). So a URL is allowed only when
every address its host resolves to is a global unicast address: loopback, private (RFC 1918, ULA),
link-local, carrier-grade NAT, multicast, reserved, unspecified and IPv4-mapped forms of any of these are
refused with 422 `webhook_url_not_allowed`, and so is a host that does not resolve. Spellings such as
`http://0x7f.1`, `http://2130706433` or `http://[::ffff:127.0.0.1]` do not get through: the check looks at
what the host resolves to, through the same resolver the HTTP client uses.

The check runs when an endpoint is registered and again before every delivery (a name may resolve
elsewhere later). A delivery then connects to the very address that was checked (`pinned`): the URL's host
is replaced by it, with the name kept in the `Host` header and as the TLS server name (so the certificate is
still checked against the name), so a DNS server cannot answer "public" to the check and "private" to the
connection. A receiver on the local network (an on-premises POS bridge, the tests' local receivers) needs
the admin setting `webhook_allow_private` (`LOYALTY_WEBHOOK_ALLOW_PRIVATE=1`).
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from api.errors import ApiProblem

Resolver = Callable[[str], list[str]]
CODE = "webhook_url_not_allowed"


def resolve(host: str) -> list[str]:
    """Every address `host` resolves to (what the HTTP client would connect to)."""
    return sorted({info[4][0] for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)})


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone (fe80::1%eth0) is link-local anyway
    mapped = getattr(ip, "ipv4_mapped", None) or getattr(ip, "sixtofour", None)
    if mapped is not None:
        ip = mapped
    # is_global is False for loopback, private, link-local, shared (100.64/10), reserved and unspecified.
    return ip.is_global and not ip.is_multicast


def refusal(url: str, *, allow_private: bool, resolver: Resolver | None = None) -> str | None:
    """Why `url` may not receive webhooks, or None when it may."""
    resolver = resolver or resolve
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "a webhook URL is http:// or https:// with a host"
    if allow_private:
        return None
    host = parts.hostname.rstrip(".")
    try:
        addresses = resolver(host)
    except (OSError, UnicodeError, ValueError):
        return f"the host {host!r} does not resolve"
    if not addresses:
        return f"the host {host!r} does not resolve"
    private = [a for a in addresses if not is_public(a)]
    if private:
        return (f"{host} resolves to {', '.join(private)}, which is not a public address (loopback, private, "
                f"link-local and reserved addresses need the admin setting webhook_allow_private)")
    return None


def check(url: str, *, allow_private: bool, resolver: Resolver | None = None) -> None:
    """422 `webhook_url_not_allowed` unless `url` may receive webhooks."""
    reason = refusal(url, allow_private=allow_private, resolver=resolver)
    if reason is not None:
        raise ApiProblem(422, CODE, reason, field="url")


@dataclass(frozen=True)
class Target:
    """Where a delivery connects: the URL with its host replaced by the checked address, and what keeps the
    receiver seeing its own name (Host header, TLS server name)."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    extensions: dict[str, Any] = field(default_factory=dict)


def pinned(url: str, *, allow_private: bool, resolver: Resolver | None = None) -> Target | str:
    """The `Target` a delivery to `url` connects to, or why it may not be delivered."""
    reason = refusal(url, allow_private=allow_private, resolver=resolver)
    if reason is not None:
        return reason
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        ipaddress.ip_address(host)
        return Target(url)  # already an address: nothing to resolve, nothing to pin
    except ValueError:
        pass
    if allow_private:
        return Target(url)  # the admin allowed any address: the client may resolve as it likes
    address = (resolver or resolve)(host.rstrip("."))[0]
    literal = f"[{address}]" if ":" in address else address
    netloc = literal if parts.port is None else f"{literal}:{parts.port}"
    name = host if parts.port is None else f"{host}:{parts.port}"
    extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
    return Target(urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)),
                  {"Host": name}, extensions)
