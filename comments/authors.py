"""Who wrote a comment, as the desk tells readers apart: by account, else by
email address (any case), else by IP address. The reader-at-a-glance panel, the
queue's author links and the trust rules all match authors this one way."""

from __future__ import annotations

from django.db.models import Q


def same_author(*, user_id=None, email: str = "", ip_address: str | None = None) -> Q | None:
    """Comments by the same author; None when nothing identifies one."""
    if user_id is not None:
        return Q(user_id=user_id)
    if email:
        return Q(email__iexact=email)
    if ip_address:
        return Q(ip_address=ip_address)
    return None


def queue_filters(*, user_id=None, email: str = "", ip_address: str | None = None) -> dict:
    """The queue's query string for that author's comments, of every status."""
    if user_id is not None:
        match = {"user__id__exact": user_id}
    elif email:
        match = {"email__iexact": email}
    elif ip_address:
        match = {"ip_address__exact": ip_address}
    else:
        return {}
    return {**match, "queue": "all"}
