"""The sign-in backend: Django's ModelBackend, with the user read on every signed-in request
compiled once per process (ops/compiled.py) instead of built by the ORM each time.

It is listed before Django's own ModelBackend, which stays in AUTHENTICATION_BACKENDS only so
that sessions signed in before this backend existed (they name Django's backend) stay signed
in. A wrong password is final here: raising PermissionDenied stops Django from asking the
next backend, which would hash the same password a second time for nothing.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from ops.compiled import CompiledQuery

UserModel = get_user_model()

_USER = CompiledQuery[AbstractBaseUser](
    lambda pk: UserModel._default_manager.filter(pk=pk),
    samples=({"pk": 1}, {"pk": 2}),
)


class AccountBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None and password is not None:
            # Django still reports the failure (user_login_failed, which axes counts).
            raise PermissionDenied
        return user

    def get_user(self, user_id: Any) -> AbstractBaseUser | None:
        # `user_id` comes from the session through the primary key's `to_python`.
        user = _USER.first(pk=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    # Django's ModelBackend answers the async calls with code of its own, which would neither
    # stop at a wrong password nor use the compiled read: the same answers as above instead.
    async def aauthenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        return await sync_to_async(self.authenticate)(
            request, username=username, password=password, **kwargs
        )

    async def aget_user(self, user_id: Any) -> AbstractBaseUser | None:
        return await sync_to_async(self.get_user)(user_id)
