#!/usr/bin/env python3
"""Checks used by the report integration tests (stdlib only).

  report_checks.py static FILE.html   exit 1 if the HTML could fetch anything:
                                      script, link, img/iframe/object/embed,
                                      src/href to http(s) or //, CSS url() or
                                      @import
  report_checks.py netlog FILE.json   exit 1 if Chromium's net log shows a
                                      request made by the page (its network
                                      isolation key is the file:// page) for
                                      anything but file:// or data:. The
                                      browser's own background requests
                                      (updates, accounts) are not the page's.
  report_checks.py markdown FILE.md   exit 1 if the Markdown renders
                                      anything but text, code and the
                                      report's own structure (headings,
                                      tables, lists, strong, details): no
                                      link, image, emphasis or raw HTML from
                                      a value. Rendered with cmark-gfm
                                      (GitHub's renderer, tables and
                                      autolinks on, raw HTML kept) when
                                      installed; else code spans are
                                      stripped by their fences and the rest
                                      is checked for markup characters.
  report_checks.py junit FILE.xml N   parse with xml.etree; print
                                      "tests failures skipped" and check the
                                      counts are consistent with the cases
"""
import json
import re
import sys
import xml.etree.ElementTree as ET


def static(path):
    html = open(path, encoding="utf-8").read()
    bad = []
    for pat in [r"<script", r"<link\b", r"<(img|iframe|object|embed|audio|video|source)\b",
                r"""(src|href|xlink:href|action|poster)\s*=\s*["']?\s*(https?:|//|ftp:|ws:)""",
                r"url\s*\(", r"@import"]:
        m = re.search(pat, html, re.I)
        if m:
            bad.append("%s at offset %d: %r" % (pat, m.start(),
                                                 html[m.start():m.start() + 60]))
    for b in bad:
        print("external reference: " + b)
    return 1 if bad else 0


def netlog(path):
    d = json.load(open(path))
    types = {v: k for k, v in d["constants"]["logEventTypes"].items()}
    found = set()
    for e in d.get("events", []):
        p = e.get("params") or {}
        if types.get(e.get("type")) != "URL_REQUEST_START_JOB":
            continue
        url = p.get("url", "")
        nik = p.get("network_isolation_key", "")
        if "file://" in nik and not url.startswith(("file:", "data:")):
            found.add(url)
    for u in sorted(found):
        print("page request: " + u)
    return 1 if found else 0


MD_TAGS = {"h2", "h3", "p", "strong", "code", "table", "thead", "tbody",
           "tr", "th", "td", "ul", "li", "details", "summary"}


def markdown(path):
    import shutil
    import subprocess
    text = open(path, encoding="utf-8").read()
    cmark = shutil.which("cmark-gfm")
    bad = []
    if cmark:
        out = subprocess.run([cmark, "--unsafe", "-e", "table", "-e",
                              "autolink", "-e", "strikethrough", path],
                             capture_output=True, text=True, check=True).stdout
        for tag in re.findall(r"<\s*([a-zA-Z][a-zA-Z0-9]*)", out):
            if tag.lower() not in MD_TAGS:
                bad.append("rendered <%s>" % tag)
        mode = "cmark-gfm"
    else:
        for n, line in enumerate(text.splitlines(), 1):
            rest = re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", line)
            rest = re.sub(r"</?(details|summary)>", "", rest)
            rest = rest.replace("**", "")
            for pat in ["<", "![", "](", "http:", "https:", "www.", "_", "*",
                        "~~", "`"]:
                if pat in rest:
                    bad.append("line %d: %r outside a code span" % (n, pat))
        mode = "code-span scan (cmark-gfm not installed)"
    for b in bad[:10]:
        print("markup from a value: " + b)
    print("markdown checked with " + mode)
    return 1 if bad else 0


def junit(path, want_failures):
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    cases = root.findall(".//testcase")
    fails = root.findall(".//testcase/failure")
    skips = root.findall(".//testcase/skipped")
    for s in suites:
        if int(s.get("tests")) != len(s.findall("testcase")):
            print("tests attribute %s != %d test cases"
                  % (s.get("tests"), len(s.findall("testcase"))))
            return 1
        if int(s.get("failures")) != len(s.findall("testcase/failure")):
            print("failures attribute disagrees with the cases")
            return 1
    for c in cases:
        if not c.get("classname") or not c.get("name"):
            print("test case without classname/name")
            return 1
    print("%d %d %d" % (len(cases), len(fails), len(skips)))
    if int(want_failures) != len(fails):
        print("expected %s failures, found %d" % (want_failures, len(fails)))
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "static":
        sys.exit(static(sys.argv[2]))
    if len(sys.argv) == 3 and sys.argv[1] == "netlog":
        sys.exit(netlog(sys.argv[2]))
    if len(sys.argv) == 3 and sys.argv[1] == "markdown":
        sys.exit(markdown(sys.argv[2]))
    if len(sys.argv) == 4 and sys.argv[1] == "junit":
        sys.exit(junit(sys.argv[2], sys.argv[3]))
    sys.stderr.write(__doc__)
    sys.exit(2)
