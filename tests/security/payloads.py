"""XSS payloads, and a structural scan of HTML that finds what an injection would leave behind.

`scan(html)` parses a page with the standard library's HTMLParser (which, like a browser,
reads `<script>`/`<style>` content as raw text) and counts only the things that can run code:
script elements, event-handler attributes, htmx attributes, `javascript:`-style URLs and the
elements that carry them. Comparing the counts of a page holding the payloads with the same
page holding plain words shows injected markup without counting our own hx-* attributes.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

PAYLOADS = [
    # script tags
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>alert(1);//<</script>",
    "<svg><script>alert(1)</script></svg>",
    # event handlers
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(document.cookie)">',
    "<svg onload=alert(1)>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>x</details>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    # javascript: and data: URLs
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">click me</a>',
    '<a href=" JaVaScRiPt:alert(1)">click</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<object data="javascript:alert(1)"></object>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://evil.example/">',
    # htmx attributes
    '<div hx-get="/accounts/data/export/json/" hx-trigger="load" hx-target="body">x</div>',
    '<button hx-post="/accounts/data/delete/" hx-trigger="load">x</button>',
    '<div hx-on:click="alert(1)">click</div>',
    '<div hx-on="click: alert(1)">click</div>',
    '<div data-hx-get="/admin/" data-hx-trigger="load"></div>',
    '<div hx-vals=\'js:{a: alert(1)}\' hx-post="/" hx-trigger="load"></div>',
    # breaking out of attributes and elements
    '" autofocus onfocus="alert(1)',
    "' autofocus onfocus='alert(1)",
    '"><script>alert(1)</script>',
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</mark><img src=x onerror=alert(1)>",
    "'}\"; alert(1); //",
    # broken and unclosed markup
    "<img src=x onerror=alert(1)",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    # template-like text: must come out as the same text, never evaluated
    '{{ "ssti"|upper }} {% now "Y" %} {% debug %}',
    "{% include 'base.html' %}{{ request.user.password }}",
    # encodings and unicode tricks
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "＜script＞alert(1)＜/script＞",
    "<scr\u200bipt>alert(1)</script> \u202egnp.exe",
]
# What {{ "ssti"|upper }} would print if user text were ever rendered as a template.
SSTI_TELL = "SSTI"


def marker(slot: int) -> str:
    """A word that survives every field's cleaning (lower case, no commas): proves the text
    reached the page at all, so a test can't pass because nothing was shown."""
    return f"mk{slot:02d}z"


def payload_text(slot: int) -> str:
    return f"{PAYLOADS[slot]} {marker(slot)}"


def plain_text(slot: int) -> str:
    return f"plain words for slot {slot} {marker(slot)}"


URL_ATTRS = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "content"}
URL_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
ACTIVE_TAGS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "svg", "math",
    "img", "image", "video", "audio", "source", "link", "meta", "style", "form", "input",
    "button", "textarea", "select", "details", "marquee", "a", "area", "template", "noscript",
    "body", "html", "head", "title",
}  # fmt: skip


def _norm(value: str) -> str:
    """Ids, versions and CSRF tokens differ between two renders of a page; the shape doesn't."""
    return re.sub(r"\d+", "N", re.sub(r"[A-Za-z0-9]{32,}", "TOKEN", value))


@dataclass
class Scan:
    active: Counter = field(default_factory=Counter)  # (what, detail) -> count
    scripts: list = field(default_factory=list)  # (src, nonce, type) of each <script>
    words: list = field(default_factory=list)  # text and attribute values, unescaped


class _Parser(HTMLParser):
    def __init__(self, scan: Scan) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = scan

    def handle_starttag(self, tag, attrs):
        active = self.scan.active
        if tag in ACTIVE_TAGS:
            active["tag", tag] += 1
        for name, value in attrs:
            value = value or ""
            self.scan.words.append(value)
            if name.startswith("on"):
                active["handler", f"{tag} {name}"] += 1
            if name.startswith(("hx-", "data-hx-")):
                active["htmx", f"{tag} {name}={_norm(value)}"] += 1
            squashed = re.sub(r"[\s\x00-\x1f]", "", value).lower()
            if name in URL_ATTRS and (
                squashed.startswith(URL_SCHEMES) or ";url=javascript:" in squashed
            ):
                active["url", f"{tag} {name}={value}"] += 1
        if tag == "script":
            found = dict(attrs)
            self.scan.scripts.append((found.get("src"), found.get("nonce"), found.get("type")))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.scan.words.append(data)


def scan(html: str) -> Scan:
    result = Scan()
    parser = _Parser(result)
    parser.feed(html)
    parser.close()
    return result


def page_problems(response, baseline, *, markers: list[str]) -> list[str]:
    """What the page holding payloads has that the plain page hasn't, and other tells."""
    html = response.content.decode()
    found = scan(html)
    base = scan(baseline.content.decode())
    problems = [
        f"injected {what} {detail!r} ({n}x, plain page has {base.active[what, detail]})"
        for (what, detail), n in found.active.items()
        if n > base.active[what, detail]
    ]
    nonce = re.search(r"'nonce-([^']+)'", response.get("Content-Security-Policy", ""))
    for src, script_nonce, kind in found.scripts:
        runs = kind in (None, "", "text/javascript", "module")
        ours = (src or "").startswith("/static/") or (
            nonce is not None and script_nonce == nonce.group(1)
        )
        if runs and not ours:
            problems.append(f"<script src={src!r} nonce={script_nonce!r}> is not the page's own")
    text = " ".join(found.words)
    problems += [f"{m} was not shown: the test saw nothing" for m in markers if m not in text]
    if SSTI_TELL in text:
        problems.append("user text was rendered as a template")
    # Belt and braces: no payload with markup characters appears raw in the HTML.
    problems += [
        f"raw payload in HTML: {p!r}" for p in PAYLOADS if re.search("[<>\"']", p) and p in html
    ]
    return problems
