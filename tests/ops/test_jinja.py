"""The Jinja fragments (ops/jinja.py) print what the Django templates printed: user text
escaped once, Django's safe HTML as is, a missing name as "", Django's dates and numbers, and
the strings in the request's language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.urls import reverse, set_script_prefix
from django.utils import translation
from django.utils.safestring import mark_safe

from ops import jinja

SCRIPT = '<script>alert("x")</script>'


def _my_tasks_row(**overrides: object) -> dict[str, object]:
    row = {
        "kind": "task",
        "label": "（一）",
        "title": SCRIPT,
        "year": None,
        "url": "/tasks/1/",
        "returned": None,
        "role": "lead",
        "role_label": "牵头",
        "status": "in_progress",
        "status_label": "推进中",
        "light": mark_safe('<span class="light-green">绿灯</span>'),
        "due_on": "2025-12-31",
        "next_report_due": "—",
        "overdue": False,
    }
    return {**row, **overrides}


def _render_results(groups: list[dict[str, object]]) -> str:
    # As tasks/my_tasks.html reaches the rows: a Django template, through the bridge tag.
    template = Template('{% load jinja %}{% jinja "tasks/_my_tasks_results.html" %}')
    return template.render(Context({"groups": groups}))


def test_the_bridge_escapes_user_text_once_and_keeps_safe_html():
    plan = SimpleNamespace(pk=7, title="<i>方案</i>", is_demo=False)
    body = _render_results([{"plan": plan, "lines": [_my_tasks_row()]}])
    assert SCRIPT not in body
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in body  # escaped, not twice
    assert "&lt;i&gt;方案&lt;/i&gt;" in body
    assert '<span class="light-green">绿灯</span>' in body  # Django's SafeString is kept
    assert 'href="/plans/7/"' in body


def test_the_bridge_passes_keyword_arguments_over_the_context():
    template = Template('{% load jinja %}{% jinja "tasks/_light.html" light=colour %}')
    assert 'class="light-&lt;b&gt;"' in template.render(Context({"colour": "<b>"}))
    assert 'class="light-red"' in template.render(Context({"colour": "red", "light": "amber"}))


@pytest.mark.parametrize(
    ("language", "expected"), [("zh-hans", "没有符合条件的任务。"), ("en", "No tasks match.")]
)
def test_strings_follow_the_active_language(language, expected):
    with translation.override(language):
        body = _render_results([])
    assert expected in body


def test_a_missing_name_prints_nothing_as_in_django():
    env = jinja.environment()
    assert env.from_string("[{{ nobody.name.first }}]").render() == "[]"
    assert env.from_string("[{% for x in nobody.items %}x{% endfor %}]").render() == "[]"


def test_dates_and_numbers_print_as_django_prints_them():
    env = jinja.environment()
    moment = dt.datetime(2025, 3, 1, 20, 5, tzinfo=dt.UTC)  # 04:05 the next day in Shanghai
    django = Template('{{ t|date:"Y-m-d H:i" }}|{{ t|date:"c" }}|{{ d|date:"Y-m-d" }}|{{ n }}')
    ours = env.from_string(
        '{{ t|date("Y-m-d H:i") }}|{{ t|date("c") }}|{{ d|date("Y-m-d") }}|{{ n }}'
    )
    ctx = {"t": moment, "d": dt.date(2025, 3, 1), "n": Decimal("1E+1")}
    expected = "2025-03-02 04:05|2025-03-02T04:05:00+08:00|2025-03-01|10"
    assert ours.render(ctx) == django.render(Context(ctx)) == expected
    # Any other format is Django's own filter, in the active language.
    other = Template('{{ t|date:"D, j M" }}').render(Context(ctx))
    assert env.from_string('{{ t|date("D, j M") }}').render(ctx) == other
    assert env.from_string('[{{ none|date("Y-m-d") }}]').render(none=None) == "[]"


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("tasks:task_detail", (7,)),
        ("reports:report_edit", (1, 22, 333)),
        ("dashboards:overview", ()),
        ("supervision:notice_issue", ("task", 5)),  # not all ids: reversed as before
    ],
)
def test_url_is_the_reversed_path(name: str, args: tuple[object, ...]) -> None:
    rendered = (
        jinja.environment()
        .from_string("{{ url(name, *args) }}")
        .render({"name": name, "args": args})
    )
    assert rendered == reverse(name, args=args or None)


def test_url_follows_the_script_prefix_it_is_served_under() -> None:
    template = jinja.environment().from_string("{{ url('tasks:task_detail', 7) }}")
    assert template.render({}) == "/tasks/7/"
    set_script_prefix("/tracker/")
    try:
        assert template.render({}) == "/tracker/tasks/7/"
    finally:
        set_script_prefix("/")
    assert template.render({}) == "/tasks/7/"
