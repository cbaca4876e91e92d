"""Bans: who may not post, by account, email address or IP network, for a while or for good."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# IPv4 addresses sit in IPv6's IPv4-mapped range (::ffff:0:0/96), so one pair
# of columns holds both families and an address compares with a network.
_MAPPED = 0xFFFF_0000_0000


def address_key(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """An address as 32 hex digits, which sort as the addresses do: a network is a
    range of these, matched with ``<=`` on SQLite and PostgreSQL alike, by an index."""
    number = int(address) + (_MAPPED if address.version == 4 else 0)
    return f"{number:032x}"


class BanQuerySet(models.QuerySet):
    def active(self):
        return self.filter(Q(until__isnull=True) | Q(until__gt=timezone.now()))

    def matching(self, *, user=None, email: str = "", ip_address: str | None = None):
        """Bans on ``user``, ``email`` (any case) or a network holding ``ip_address``."""
        targets = Q(pk__in=[])
        if user is not None and user.pk is not None:
            targets |= Q(user=user)
        if email:
            targets |= Q(email=email.strip().lower())
        if ip_address:
            key = address_key(ipaddress.ip_address(ip_address))
            targets |= Q(range_start__lte=key, range_end__gte=key)
        return self.filter(targets)


class Ban(models.Model):
    """One target (an account, an email address or an IP network), until a date or for good."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comment_bans",
        verbose_name=_("account"),
    )
    email = models.EmailField(
        _("email address"), blank=True, db_index=True, help_text=_("Compared in any case.")
    )
    network = models.CharField(
        _("IP address or network"),
        max_length=49,
        blank=True,
        help_text=_("An address (203.0.113.7) or a network (203.0.113.0/24, 2001:db8::/32)."),
    )
    # The network's first and last addresses (``address_key``), kept by ``clean``.
    range_start = models.CharField(max_length=32, blank=True, editable=False)
    range_end = models.CharField(max_length=32, blank=True, editable=False)
    until = models.DateTimeField(
        _("until"), null=True, blank=True, help_text=_("Empty: a permanent ban.")
    )
    reason = models.CharField(_("reason"), max_length=500)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("banned by"),
    )
    created = models.DateTimeField(_("created"), default=timezone.now)

    objects = BanQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("ban")
        verbose_name_plural = _("bans")
        permissions = [
            ("add_permanent_ban", _("Can ban for longer than 30 days, or permanently"))
        ]
        indexes = [models.Index(fields=["range_start", "range_end"], name="ban_network")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(user__isnull=False, email="", network="")
                    | Q(user__isnull=True, email__gt="", network="")
                    | Q(user__isnull=True, email="", network__gt="")
                ),
                name="ban_one_target",
            )
        ]

    def __str__(self):
        return str(self.target)

    @property
    def target(self) -> object:
        return self.user or self.email or self.network

    @property
    def permanent(self) -> bool:
        return self.until is None

    def clean(self):
        self.email = self.email.strip().lower()
        self.network = self.network.strip()
        if sum(bool(target) for target in (self.user_id, self.email, self.network)) != 1:
            raise ValidationError(
                _("Ban one of: an account, an email address, or an IP address or network."),
                code="one_target",
            )
        if self.network:
            try:
                network = ipaddress.ip_network(self.network, strict=False)
            except ValueError:
                raise ValidationError(
                    {"network": _("Enter an IP address or a network such as 203.0.113.0/24.")},
                    code="invalid",
                ) from None
            self.network = str(network)
            self.range_start = address_key(network.network_address)
            self.range_end = address_key(network.broadcast_address)
        else:
            self.range_start = self.range_end = ""
