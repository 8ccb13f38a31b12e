"""Parse feeds with Debian's python3-feedparser (a real feed client) and print what it saw as JSON.

usage: /usr/bin/python3 feedcheck.py URL...
"""
import json
import sys
import urllib.request

import feedparser

out = []
for url in sys.argv[1:]:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "application/atom+xml, application/rss+xml"})) as res:
        body = res.read()
    d = feedparser.parse(body)
    out.append({
        "url": url,
        "version": d.version,
        "bozo": bool(d.bozo),
        "bozo_exception": str(d.get("bozo_exception", "")),
        "title": d.feed.get("title"),
        "language": d.feed.get("language"),
        "links": [{"rel": l.get("rel"), "href": l.get("href")} for l in d.feed.get("links", [])],
        "entries": [
            {
                "id": e.get("id"),
                "title": e.get("title"),
                "link": e.get("link"),
                "published": e.get("published"),
                "updated": e.get("updated"),
                "author": e.get("author"),
                "tags": [t.get("term") for t in e.get("tags", [])],
                "summary": e.get("summary"),
                "content": [c.get("value") for c in e.get("content", [])],
                "enclosures": [
                    {"href": n.get("href"), "type": n.get("type"), "length": n.get("length")}
                    for n in e.get("enclosures", [])
                ],
            }
            for e in d.entries
        ],
    })
json.dump(out, sys.stdout, ensure_ascii=False)
