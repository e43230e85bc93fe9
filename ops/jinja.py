"""Jinja2 for the hottest page fragments (issue 22): the task page's body, its reports, timeline
and 督办 panel, and the rows of 我的任务. Django renders those at several times Jinja's cost;
every page still extends base.html and the fragments are reached from Django templates through
`{% load jinja %}{% jinja "tasks/_events.html" %}` (ops/templatetags/jinja.py). The Jinja
templates live in jinja_templates/ (not jinja2/: a top-level jinja2/ would look like the
package to import tools).

The environment behaves as Django's templates do where the output could differ: autoescape on,
a missing name or attribute prints "" (and chains), numbers and datetimes print localized and in
the current time zone, `|date` is Django's filter, and `_()` is Django's gettext in the active
language (looked up once per message in each render: ops/translations.py). Translatable
strings are written only as `{{ _("…") }}` or `{% set x = _("…") %}`:
makemessages reads these files as Django templates and extracts just those constants. (Jinja's
new-style `_()` formats the string with `%`: a literal percent sign is written `%%`.)

Apps above ops add what their fragments need (a selector behind a panel) with `jinja_global`,
from their templatetags modules: Django imports those when its template engine starts, which is
before any Django template can reach a Jinja one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar

import jinja2
from django.conf import settings
from django.template import defaultfilters, engines
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.translation import ngettext
from markupsafe import Markup

from ops.rows import path_to
from ops.translations import gettext as kept_gettext
from ops.translations import translations_kept

F = TypeVar("F", bound=Callable[..., Any])

_GLOBALS: dict[str, Any] = {}


def jinja_global(name: str, *, takes_context: bool = False) -> Callable[[F], F]:
    """Make the decorated function callable as `name(…)` in every Jinja template; with
    `takes_context`, its first argument is the template's context (a mapping of its names)."""

    def register(fn: F) -> F:
        exposed = jinja2.pass_context(fn) if takes_context else fn
        _GLOBALS[name] = exposed
        if environment.cache_info().currsize:
            environment().globals[name] = exposed
        return fn

    return register


def render(template_name: str, context: dict[str, Any]) -> Markup:
    """The Jinja template rendered with `context`, safe to put into a Django template."""
    template = environment().get_template(template_name)
    with translations_kept():  # one render, one language: each message looked up once
        # Safe: the environment escapes everything the template prints that is not itself safe.
        return Markup(template.render(context))  # noqa: S704  # nosec B704


def url(name: str, *args: Any, **kwargs: Any) -> str:
    """As `{% url name arg … %}`; by ids, reversed once per process (`path_to`)."""
    if kwargs:
        return reverse(name, args=args or None, kwargs=kwargs)
    return path_to(name, *args)


# The formats the fragments print most, without DateFormat's per-call set-up (a timeline of
# fifty events prints a hundred dates); the output is the same as Django's for these formats.
_FAST_FORMATS: dict[str, Callable[[Any], str]] = {
    "Y-m-d": lambda v: f"{v.year:04d}-{v.month:02d}-{v.day:02d}",
    "Y-m-d H:i": lambda v: f"{v.year:04d}-{v.month:02d}-{v.day:02d} {v.hour:02d}:{v.minute:02d}",
    "c": lambda v: v.isoformat(),
}


def date(value: Any, arg: str | None = None) -> str:
    """As Django's `|date:arg`, including its move into the current time zone first."""
    value = timezone.template_localtime(value)
    fast = _FAST_FORMATS.get(arg or "")
    if fast is not None and (
        isinstance(value, dt.datetime) or (isinstance(value, dt.date) and arg == "Y-m-d")
    ):
        return fast(value)
    return defaultfilters.date(value, arg)


def linebreaks(value: Any) -> str:
    return defaultfilters.linebreaks_filter(value, autoescape=not hasattr(value, "__html__"))


def linebreaksbr(value: Any) -> str:
    return defaultfilters.linebreaksbr(value, autoescape=not hasattr(value, "__html__"))


@jinja2.pass_context
def csrf_input(context: jinja2.runtime.Context) -> Markup:
    """As `{% csrf_token %}`: the form's hidden token, from the Django context's lazy one."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":  # noqa: S105 (Django's marker for "no token")  # nosec B105
        return Markup("")
    return Markup('<input type="hidden" name="csrfmiddlewaretoken" value="{}">').format(token)


def _finalize(value: Any) -> Any:
    """What Django does to a value it prints: a datetime in the current time zone, a number
    or date in the active locale's format ({{ Decimal("1E+1") }} prints 10, not 1E+1)."""
    if isinstance(value, (int, float, Decimal, dt.date, dt.time)):
        return formats.localize(timezone.template_localtime(value))
    return value


def _gettext(message: str) -> str:
    # Jinja marks a translation safe; Django's {% translate %} escapes it. Escaping here keeps
    # a translation with "&" or "<" printing as it did.
    return escape(kept_gettext(message))


def _ngettext(singular: str, plural: str, number: int) -> str:
    return escape(ngettext(singular, plural, number))


@cache
def environment() -> jinja2.Environment:
    # Starting Django's engine imports every templatetags module, which registers its globals.
    engines.all()
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(settings.BASE_DIR / "jinja_templates"),
        autoescape=True,
        undefined=jinja2.ChainableUndefined,
        finalize=_finalize,
        auto_reload=settings.DEBUG,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(date=date, linebreaks=linebreaks, linebreaksbr=linebreaksbr)
    env.globals.update(url=url, csrf_input=csrf_input, **_GLOBALS)
    return env
