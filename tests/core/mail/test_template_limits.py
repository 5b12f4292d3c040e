"""The limits on a vendor's email template: whatever it tries, it renders small and quickly or is
refused with the reason, because it runs in the process that serves every other vendor."""

from __future__ import annotations

import resource
import time

import pytest

from core.mail import EmailTemplateError, render_source
from core.mail import templates as mail_templates

LONG = "{% set s = 'x' * 90000 %}"  # within the limit on one value

TOO_MUCH = {
    "a huge text": ("{{ 'a' * 50000000 }}", "larger than 100,000"),
    "a huge list": ("{{ [1] * 50000000 }}", "larger than 100,000"),
    "a huge number": ("{{ 2 ** 100000000 }}", "more than 10,000 bits"),
    "nested loops": ("{% for i in range(3000) %}{% for j in range(3000) %}{% endfor %}{% endfor %}", "too much work"),
    "loops that print": (
        "{% for i in range(3000) %}{% for j in range(3000) %}{{ i }}, {{ j }}; {% endfor %}{% endfor %}",
        "longer than",
    ),
    "a range too big": ("{{ range(10**9)|list }}", "Range too big"),
    "a macro calling itself twice": (
        "{% macro f(n) %}{% if n %}{{ f(n-1) }}{{ f(n-1) }}{% endif %}{% endmacro %}{{ f(40) }}",
        "too much work",  # or, on a busy machine, the clock first: a call is a slow step
    ),
    "a macro calling itself": ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "recursion"),
    "doubling with ~": ("{% set a = 'xx' %}" + "{% set a = a ~ a %}" * 40, "larger than 100,000"),
    "doubling with +": ("{% set a = 'xx' %}" + "{% set a = a + a %}" * 40, "larger than 100,000"),
    "static text in a loop, kept": (
        "{% set x %}{% for i in range(100000) %}" + "y" * 1000 + "{% endfor %}{% endset %}{{ x|length }}",
        "longer than",
    ),
    "a list of one text many times": (LONG + "{% set l = [s, s, s, s, s, s, s, s, s, s] %}{{ l }}", "longer than"),
    "|center": ("{{ 'x'|center(1000000000) }}", "|center would be larger"),
    "|replace": (LONG + "{{ s|replace('x', s) }}", "|replace would be larger"),
    "|join": (LONG + "{{ range(1000)|map('string')|join(s) }}", "|join would be larger"),
    "|indent": (LONG + "{{ s|indent(s) }}", "|indent would be larger"),
    "|wordwrap": (LONG + "{{ s|wordwrap(1, wrapstring=s) }}", "|wordwrap would be larger"),
    "|format": ("{{ '%1000000000s'|format(1) }}", "|format would be larger"),
    "% formatting": ("{{ '%*s' % (1000000000, 1) }}", "'%' would be larger"),
    "|batch": ("{{ [1]|batch(1000000000, 'x')|list }}", "|batch would be larger"),
    "|slice": ("{{ [1]|slice(1000000000)|list }}", "|slice would be larger"),
    "|sum of lists": ("{{ [[1] * 1000] * 1000|sum(start=[]) }}", "sum adds numbers only"),
    "|round": ("{{ 1|round(1000000000, 'ceil') }}", "|round would be larger"),
    "str.center": ("{{ 'x'.center(1000000000) }}", "unsafe"),
    "str.format": ("{{ '{:>1000000000}'.format(1) }}", "unsafe"),
    "int.to_bytes": ("{{ (1).to_bytes(1000000000, 'big') }}", "unsafe"),
    "dict.fromkeys": ("{{ dict.fromkeys(range(100000), 'x') }}", "unsafe"),
    "lipsum": ("{{ lipsum(100000) }}", "undefined"),
    "a recursive loop": ("{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}", "recursive loops"),
    "a template too long": ("x" * 20_001, "longer than 20,000 characters"),
}


@pytest.mark.parametrize("body, reason", TOO_MUCH.values(), ids=TOO_MUCH.keys())
def test_a_template_past_the_limits_is_refused_quickly_with_the_reason(body, reason):
    memory_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    started = time.monotonic()
    with pytest.raises(EmailTemplateError) as refused:
        render_source("Subject", body, {})
    slow_steps = reason == "too much work" and "takes longer than 1 second" in str(refused.value)
    assert reason in str(refused.value) or slow_steps
    assert time.monotonic() - started < 3  # the time limit (one second) and room for a busy machine
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - memory_before < 100_000


def test_the_clock_stops_what_the_counts_let_through(monkeypatch):
    monkeypatch.setattr(mail_templates, "MAX_STEPS", 10**9)
    started = time.monotonic()
    with pytest.raises(EmailTemplateError, match="takes longer than 1 second"):
        render_source("", "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", {})
    assert time.monotonic() - started < 3


def test_a_long_real_email_is_well_within_the_limits():
    lines = [{"number": f"L-{n}", "title": f"Part {n}", "quantity": n % 7 + 1} for n in range(1000)]
    body = (
        "Dear {{ name|title }},\n{% for line in lines %}{{ loop.index }}. {{ line.number }} {{ line.title|upper }}"
        " x{{ line.quantity }}{% if not loop.last %}\n{% endif %}{% endfor %}\n{{ lines|sum(attribute='quantity') }}"
    )
    rendered = render_source("Your order of {{ lines|length }} lines", body, {"name": "ann", "lines": lines})
    assert rendered.subject == "Your order of 1000 lines"
    assert rendered.body.startswith("Dear Ann,\n1. L-0 PART 0 x1\n")
    assert rendered.body.endswith("1000. L-999 PART 999 x6\n3997")
