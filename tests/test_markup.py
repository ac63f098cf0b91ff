"""Lesson Markdown renders to inert HTML, and hostile documents are refused, not run."""

from __future__ import annotations

import re

import pytest

from course.content.markup import MAX_MARKDOWN_BYTES, RenderError, render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](jav&#x61;script:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<javascript:alert(1)>",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><a xlink:href='javascript:alert(1)'>x</a></svg>",
    "<iframe src='https://evil.example'></iframe>",
    "<object data='x.swf'></object><embed src='x.swf'>",
    "<base href='https://evil.example/'>",
    "<meta http-equiv='refresh' content='0;url=https://evil.example'>",
    "<form action='https://evil.example'><input name=password></form>",
    '<p style="position:fixed;top:0;left:0;width:100%;height:100%">Log in again</p>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<a href='https://example.org' onclick='alert(1)' target='_blank'>x</a>",
    "<![",
    "<!-- unclosed comment -- >",
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markdown_renders_inert(source):
    html = render_markdown(source).html.lower()
    assert not re.search(
        r"<(script|iframe|object|embed|base|meta|form|input|svg|math|style)\b", html
    )
    assert not re.search(r"\son\w+\s*=", html)
    assert "javascript:" not in html and "data:" not in html
    assert "style=" not in html and "target=" not in html


def test_hostile_markdown_is_reported_to_the_author():
    removed = [
        message for message, _ in render_markdown("<script>x</script>\n\n[a](javascript:x)").removed
    ]
    assert removed == ["<script> is not allowed", "javascript: links are not allowed"]


def test_template_syntax_stays_text():
    html = render_markdown("{{ config.SECRET_KEY }} and {% for x in y %}").html
    assert "{{ config.SECRET_KEY }}" in html and "{% for x in y %}" in html


def test_tables_footnotes_and_asides_survive():
    html = render_markdown(
        '| a | b |\n|:--|--:|\n| 1 | 2 |\n\nClaim[^s]\n\n!!! case-study "WikiGap"\n    Text\n\n'
        "[^s]: Source, <https://example.org/report>"
    ).html
    assert '<th align="left">a</th>' in html
    assert '<div class="admonition case-study">' in html
    assert '<a href="https://example.org/report" rel="noopener noreferrer">' in html
    assert 'href="#fn:s"' in html


def test_a_pathological_document_is_refused_not_hung_on():
    with pytest.raises(RenderError, match="takes more than"):
        render_markdown("[" * 20000)


def test_documents_over_the_size_cap_are_refused():
    with pytest.raises(RenderError, match="larger than"):
        render_markdown("a" * (MAX_MARKDOWN_BYTES + 1))
