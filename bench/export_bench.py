"""Export figures of issue 19: a WordPress export of 1,000 posts and 20,000
comments imported on SQLite, and the peak memory of importing a 200 MB one.

    .venv/bin/python -m bench.export_bench

Works in a fresh folder under /tmp, removed at the end, with a SQLite
database there. ``import_comments`` runs in a child process, measured as
``bench.import_bench`` measures ``import_seeds``. See bench/README.md.
"""

from __future__ import annotations

import os
import random
import secrets
import tempfile
from pathlib import Path

from bench.import_bench import measured_run

POSTS, COMMENTS, SECONDS = 1_000, 20_000, 20
BIG_MB, RSS_MB = 200, 300
_HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bench</title><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://{site}.example</wp:base_site_url>
"""
_WORDS = [
    "harbour", "bridge", "council", "vote", "budget", "school", "river", "road", "market", "night",
]


def write_wxr(path: Path, *, site: str, posts: int, per_post: int, body: int) -> int:
    """A WXR file of ``posts`` posts with ``per_post`` comments each, a third of
    them replies to the comment before; returns its size in bytes."""
    rng = random.Random(19)
    with path.open("w", encoding="utf-8") as out:
        out.write(_HEAD.format(site=site))
        cid = 0
        for post in range(1, posts + 1):
            out.write(
                f"<item><title>Post {post}</title><link>https://{site}.example/{post}/</link>"
                f"<dc:creator>editor</dc:creator><content:encoded><![CDATA[<p>Text of post "
                f"{post}.</p>]]></content:encoded><wp:post_id>{post}</wp:post_id>"
                "<wp:post_date_gmt>2017-07-10 09:30:00</wp:post_date_gmt>"
                "<wp:post_type>post</wp:post_type>\n"
            )
            for n in range(per_post):
                cid += 1
                parent = cid - 1 if n and n % 3 == 0 else 0
                words = " ".join(rng.choices(_WORDS, k=body // 7))
                out.write(
                    f"<wp:comment><wp:comment_id>{cid}</wp:comment_id><wp:comment_author>"
                    f"Reader {cid % 997}</wp:comment_author><wp:comment_author_email>"
                    f"r{cid % 997}@example.com</wp:comment_author_email><wp:comment_author_IP>"
                    f"192.0.2.{cid % 250}</wp:comment_author_IP><wp:comment_date_gmt>"
                    f"2017-07-11 15:42:00</wp:comment_date_gmt><wp:comment_content><![CDATA[<p>"
                    f"{words}</p>]]></wp:comment_content><wp:comment_approved>1"
                    f"</wp:comment_approved><wp:comment_parent>{parent}</wp:comment_parent>"
                    "</wp:comment>\n"
                )
            out.write("</item>\n")
        out.write("</channel></rss>\n")
    return path.stat().st_size


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="newsroom-export-bench-") as folder:
        root = Path(folder)
        env = {
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DATABASE_URL": f"sqlite:///{folder}/export.sqlite3",
        }
        print("== Exports: WordPress WXR on SQLite")
        measured_run(env, "migrate", "--noinput", "-v0")
        small = root / "small.xml"
        size = write_wxr(small, site="small", posts=POSTS, per_post=COMMENTS // POSTS, body=300)
        first = measured_run(env, "import_comments", str(small))
        again = measured_run(env, "import_comments", str(small))
        big = root / "big.xml"
        big_size = write_wxr(big, site="big", posts=2_000, per_post=50, body=1_950)
        huge = measured_run(env, "import_comments", str(big))
    verdicts = [
        (f"WXR {POSTS:,} posts / {COMMENTS:,} comments ({size / 2**20:.0f} MB) <{SECONDS} s",
         first["seconds"], first["seconds"] < SECONDS),
        ("the same again (changes nothing)", again["seconds"], True),
        (f"WXR {big_size / 2**20:.0f} MB peak RSS <{RSS_MB} MB", huge["mb"], huge["mb"] < RSS_MB),
    ]
    print(f"  {first['summary']}\n  {again['summary']}\n  {huge['summary']}")
    for name, run in (("import", first), ("again", again), ("200 MB", huge)):
        print(f"  {name}: {run['seconds']:.1f} s wall, {run['cpu']:.1f} s CPU")
    print(f"  {BIG_MB} MB import took {huge['seconds']:.0f} s\n")
    for target, measured, ok in verdicts:
        print(f"{'PASS' if ok else 'MISS'}  {target}: {measured:.1f}")


if __name__ == "__main__":
    main()
