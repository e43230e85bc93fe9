"""`{% load jinja %}{% jinja "tasks/_events.html" show_task=True %}`: a Jinja fragment
(ops/jinja.py) inside a Django template, seeing the Django context as it stands, with the
keyword arguments on top as `{% include … with … %}` would put them."""

from __future__ import annotations

from typing import Any

from django import template
from markupsafe import Markup

from ops import jinja as jinja_env

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja(context: template.Context, template_name: str, **overrides: Any) -> Markup:
    return jinja_env.render(template_name, {**context.flatten(), **overrides})
