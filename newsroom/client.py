"""Who sent a request: the one address that posting, flood control, reports and logs use.

Behind a reverse proxy every request's peer (``REMOTE_ADDR``) is the proxy,
and gunicorn does not rewrite it from ``X-Forwarded-For``. Each proxy appends
the address it received the request from to that header, so reading it from
the right, past the proxies we trust (``NEWSROOM_TRUSTED_PROXIES``), reaches
the first address no trusted proxy vouches for: the client. Anything further
left was written by the client itself and could be anything.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def client_ip(request) -> str | None:
    """The client's address: the peer, or, when the peer is a trusted proxy, the
    rightmost ``X-Forwarded-For`` address that is not a trusted proxy.

    An entry that is not a bare IP address stops the walk, and the last trusted
    proxy's address stands: a proxy that forwards garbage cannot name the
    client. A peer without an address (a Unix socket) is trusted only with
    ``unix`` among the trusted proxies. None when no address is known, and then
    no per-address limit can count the request: README says to list ``unix``.
    """
    client = _parse(request.META.get("REMOTE_ADDR", ""))
    socket_peer = client is None and settings.NEWSROOM_TRUST_UNIX_SOCKET
    if client is None and not socket_peer:
        return None
    hops = reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(","))
    for hop in hops:
        if not (socket_peer or _trusted(client)):
            break
        socket_peer = False
        forwarded = _parse(hop)
        if forwarded is None:
            break
        client = forwarded
    return None if client is None else str(client)


def _trusted(address: Address) -> bool:
    return any(address in network for network in settings.NEWSROOM_TRUSTED_PROXIES)


def _parse(text: str) -> Address | None:
    """An address as one client: an IPv4 address mapped into IPv6 is that IPv4
    address, and an IPv6 zone (``%eth0``) names the host's interface, not the client."""
    try:
        address = ipaddress.ip_address(text.strip().partition("%")[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address
