"""Tokens are issued here by an admin for a user; the value is shown once, after saving."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken
from api.tokens import token_issue, token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "name", "prefix"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at", "created_by"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at", "created_by"]
    actions = ["revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> list[str]:
        # A token's user and purpose are fixed once issued: issue a new one instead.
        return self.readonly_fields + (["user", "name"] if obj else [])

    def save_model(self, request: HttpRequest, obj: ApiToken, form: object, change: bool) -> None:
        if change:
            return
        token, value = token_issue(user=obj.user, name=obj.name, issued_by=request.user)
        # The admin goes on with `obj` (its log entry, the redirect): make it the saved token.
        obj.__dict__.update({k: v for k, v in token.__dict__.items() if k != "_state"})
        obj._state.adding = False
        messages.warning(
            request,
            _("令牌只显示这一次,请立即复制并妥善保存:%(value)s") % {"value": value},
        )

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False  # revoke instead: the row keeps the record of what was issued

    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request: HttpRequest, queryset: object) -> None:
        for token in queryset:
            token_revoke(token=token)
        self.message_user(request, _("已吊销所选令牌。"))
