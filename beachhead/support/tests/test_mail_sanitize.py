"""HTML from customers is shown safely, remote content waits for consent, names are safe."""

from __future__ import annotations

import pytest

from beachhead.support.mail.sanitize import (
    flatten_deep_nesting,
    html_to_text,
    safe_filename,
    sanitize_html,
)

ATTACKS = [
    "<script>alert(1)</script><p>x</p>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href=" JaVaScRiPt:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<svg onload="alert(1)"><script>alert(1)</script></svg>',
    "<math><mtext><style><img src=x onerror=alert(1)></style></mtext></math>",
    '<form action="https://evil.example"><input name="password"></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<div style="position:fixed;top:0;left:0;width:100%">overlay</div>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<div style="width:expression(alert(1))">x</div>',
    '<div style="background-image:u\\72l(https://evil.example/x)">x</div>',
    '<p onclick="alert(1)" onmouseover="alert(1)">x</p>',
    '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
    '<table background="https://evil.example/t.png"><tr><td>x</td></tr></table>',
    '<img srcset="https://evil.example/a.png 1x">',
    '<video poster="https://evil.example/p.png"></video>',
    "<!--[if mso]><script>alert(1)</script><![endif]-->",
]


@pytest.mark.parametrize("html", ATTACKS)
def test_attacks_are_neutralised(html):
    cleaned = sanitize_html(html).html.lower()

    for needle in (
        "<script",
        "javascript:",
        "vbscript:",
        "onerror",
        "onload",
        "onclick",
        "<iframe",
        "<object",
        "<embed",
        "<svg",
        "<form",
        "<input",
        "<meta",
        "<base",
        "<link",
        "position",
        "expression",
        "data:text",
        "data:image/svg",
        "srcset",
        "poster",
        "background=",
        "https://evil.example",
    ):
        assert needle not in cleaned, (needle, cleaned)


def test_remote_images_wait_for_consent():
    html = (
        '<img src="https://cdn.example/a.png" alt="Chart">'
        '<img src="//cdn.example/b.png">'
        '<img src="http://cdn.example/c.png" alt="c">'
        '<p style="color:red;background-image:url(&quot;https://cdn.example/bg.png&quot;)">x</p>'
    )

    blocked = sanitize_html(html)
    allowed = sanitize_html(html, allow_remote_images=True)

    assert blocked.remote_images_blocked == 4
    assert " src=" not in blocked.html
    assert 'data-remote-src="https://cdn.example/a.png" alt="Chart"' in blocked.html
    assert 'data-remote-src="https://cdn.example/b.png"' in blocked.html  # protocol-relative
    assert '<p style="color:red">x</p>' in blocked.html
    assert allowed.remote_images_blocked == 0
    assert 'src="https://cdn.example/a.png"' in allowed.html
    assert "background-image:url(" in allowed.html


def test_sender_cannot_forge_data_remote_src_or_the_marker():
    html = '<img data-remote-src="x"><img src="cid:blocked-0000-0" alt="a">'

    result = sanitize_html(html)

    assert "data-remote-src" not in result.html
    assert 'src="cid:blocked-0000-0"' in result.html  # an ordinary cid reference
    assert result.remote_images_blocked == 0


@pytest.mark.parametrize(
    ("html", "kept"),
    [
        pytest.param(
            '<img src="cid:image001.png@01DB3B2A" alt="logo">'
            '<img src="data:image/png;base64,iVBORw0KGgo=">'
            '<img src="images/logo.png" alt="rel">',
            [
                'src="cid:image001.png@01DB3B2A"',
                'src="data:image/png;base64,iVBORw0KGgo="',
                '<img alt="rel">',
            ],
            id="inline-and-data-images-stay-and-relative-ones-go",
        ),
        pytest.param(
            '<table width="600" cellpadding="4"><tr><td align="right" style="color:#333;'
            'font-size:14px">cell</td></tr></table><font color="red" face="Arial">red</font>',
            [
                '<td align="right" style="color:#333;font-size:14px">cell</td>',
                '<table width="600" cellpadding="4">',
                '<font color="red" face="Arial">red</font>',
            ],
            id="mail-formatting-survives",
        ),
    ],
)
def test_what_the_sanitizer_keeps(html, kept):
    cleaned = sanitize_html(html).html

    for fragment in kept:
        assert fragment in cleaned


def test_links_keep_their_target_and_get_rel():
    cleaned = sanitize_html(
        '<a href="https://status.example/1">s</a><a href="mailto:a@b.example">m</a>'
        '<a href="/relative">r</a><a href="#top">t</a>'
    ).html

    assert '<a href="https://status.example/1" rel="noopener noreferrer nofollow">s</a>' in cleaned
    assert 'href="mailto:a@b.example"' in cleaned
    assert 'href="#top"' in cleaned
    assert "/relative" not in cleaned


def test_empty_html():
    assert sanitize_html("").html == ""
    assert sanitize_html("   ").remote_images_blocked == 0


def test_html_to_text():
    html = """<html><head><title>T</title><style>p{color:red}</style></head><body>
    <p>Hello&nbsp;<b>world</b> &amp; co &lt;3</p><div>line one<br>line two</div>
    <ul><li>first</li><li>second</li></ul>
    <table><tr><td>a</td><td>b</td></tr></table>
    <img src="cid:x" alt="diagram"><script>alert(1)</script>
    <blockquote>quoted<br>more<blockquote>deeper</blockquote></blockquote>
    <pre>  keep
    spacing</pre></body></html>"""

    assert html_to_text(html) == (
        "Hello world & co <3\n"
        "line one\nline two\n"
        "- first\n- second\n"
        "a b\n"
        "[diagram]\n"
        "> quoted\n> more\n> > deeper\n"
        "  keep\n    spacing"
    )


def test_html_to_text_keeps_blank_lines_made_by_br():
    assert html_to_text("a<br><br>b") == "a\n\nb"
    assert html_to_text("") == ""


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\report.pdf", "report.pdf"),
        ("evil\u202efdp.exe", "evilfdp.exe"),
        ("zero\u200bwidth.txt", "zerowidth.txt"),
        ("tab\there\nnew.txt", "tab here new.txt"),
        ("what?<>|*.txt", "what_____.txt"),
        ("CON.txt", "_CON.txt"),
        ("  .hidden  ", "hidden"),
        ("\u304b\u3099.txt", "\u304c.txt"),  # macOS sends NFD; stored NFC
        ("", "attachment-3.png"),
        ("....", "attachment-3.png"),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name, 3, "image/png") == expected


def test_long_filename_keeps_its_extension():
    name = safe_filename("a" * 300 + ".tar.gz", 1)

    assert len(name) == 200
    assert name.endswith("a.gz")


def test_deep_nesting_is_flattened_before_parsing():
    html = "<div>" * 1000 + "deep" + "</div>" * 1000

    flattened, changed = flatten_deep_nesting(html)

    assert changed
    assert "<div" not in flattened
    assert "deep" in sanitize_html(html).html
    assert html_to_text(html) == "deep"
    assert flatten_deep_nesting("<div>" * 150 + "</div>" * 150) == (
        "<div>" * 150 + "</div>" * 150,
        False,
    )
    shallow_but_many = "<div>x</div>" * 5000
    assert flatten_deep_nesting(shallow_but_many) == (shallow_but_many, False)
