"""One error format for every API response that is not a success:

    {"error": {"code": "invalid", "message": "…", "fields": {"reason": ["…"]}}}

`message` is in the request's language (Accept-Language: zh-hans gives Chinese). Django's
own ValidationError, PermissionDenied and Http404 from the services, and the services'
Conflict (412, with the current version), come out the same way.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from ops.concurrency import Conflict
from security.models import Kind
from security.services import security_event_record


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = "precondition_required"

    def __init__(self) -> None:
        super().__init__(_("修改状态须带 If-Match 请求头(对象的 ETag)。"))


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


def _django_validation(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        fields = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        return exceptions.ValidationError(fields)
    return exceptions.ValidationError({"non_field_errors": [str(m) for m in exc.messages]})


def _log_refusal(exc: Exception, context: dict[str, Any]) -> None:
    """An object asked for by id and not found among what the caller may see: the security
    log records it as the pages' permission-scoped getters do (missing or not theirs alike)."""
    request, view = context.get("request"), context.get("view")
    if isinstance(exc, Http404) and request is not None and getattr(view, "kwargs", {}).get("pk"):
        security_event_record(
            kind=Kind.REFUSED,
            request=request._request,
            user=request.user,
            detail={"status": 404},
        )


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    _log_refusal(exc, context)
    extra: dict[str, Any] = {}
    if isinstance(exc, Conflict):
        extra["current_version"] = getattr(exc.current, "version", None)
        exc = PreconditionFailed(exc.message)
    elif isinstance(exc, DjangoValidationError):
        exc = _django_validation(exc)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None  # a real server error: Django's 500 handling and logging
    detail = response.data
    fields: dict[str, Any] = {}
    if isinstance(exc, exceptions.ValidationError):
        if isinstance(detail, dict):
            fields = {k: v for k, v in detail.items() if k != "non_field_errors"}
            general = detail.get("non_field_errors") or []
        else:
            general = detail
        message = " ".join(str(m) for m in general) or _("提交的数据有误,请检查各字段。")
        code = "invalid"
    else:
        message = str(detail.get("detail", detail)) if isinstance(detail, dict) else str(detail)
        code = getattr(exc, "default_code", "error")
        if isinstance(exc, exceptions.APIException):
            codes = exc.get_codes()
            code = codes if isinstance(codes, str) else code
    response.data = {"error": {"code": code, "message": message, "fields": fields, **extra}}
    return response
