"""Websites, social pages and messaging-app groups a group runs outside the portal."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from groups.models.groups import AlumniGroup


class OutsidePresence(models.Model):
    """A website, social page or messaging-app group the group runs outside the portal."""

    class Kind(models.TextChoices):
        WEBSITE = "website", "Independent website"
        SOCIAL = "social", "Social media page or group"
        MESSAGING = "messaging", "Messaging app group"

    class Platform(models.TextChoices):
        WEBSITE = "website", "Website"
        FACEBOOK = "facebook", "Facebook"
        LINKEDIN = "linkedin", "LinkedIn"
        X = "x", "X (Twitter)"
        INSTAGRAM = "instagram", "Instagram"
        OTHER_SOCIAL = "other_social", "Other social network"
        WHATSAPP = "whatsapp", "WhatsApp"
        TELEGRAM = "telegram", "Telegram"
        WECHAT = "wechat", "WeChat"

    MESSAGING_PLATFORMS: ClassVar = (Platform.WHATSAPP, Platform.TELEGRAM, Platform.WECHAT)

    group = models.ForeignKey(AlumniGroup, on_delete=models.CASCADE, related_name="presences")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    platform = models.CharField(max_length=20, choices=Platform.choices)
    name = models.CharField(max_length=200)
    url = models.URLField(max_length=500, blank=True)
    disclaimer_confirmed_at = models.DateTimeField(null=True, blank=True)
    disclaimer_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    flagged = models.BooleanField(default=False)
    flag_reason = models.TextField(max_length=2000, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("group", "kind", "name")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_platform_display()})"

    @property
    def is_private(self) -> bool:
        """Messaging-app groups are private activity: never listed, never given contacts."""
        return self.kind == self.Kind.MESSAGING

    @property
    def needs_disclaimer(self) -> bool:
        return not self.is_private
