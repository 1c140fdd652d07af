"""Benchmark of `sampan import-wxr`: a synthetic WordPress export, imported into a fresh site.

    .venv/bin/python bench/import_wxr.py [--posts 10000] [--comments 200000] [--scales 0.1,1]

Writes a WXR 1.2 file of N posts (classic-editor text with paragraphs, a caption, categories and tags) and M
comments spread over them, threaded (about two in three reply to an earlier comment of the same post) with a
pingback now and then; migrates a throw-away site and imports the file in a child process, which reports the
time, items per second and its peak memory (ru_maxrss). With several scales (fractions of N and M), the peaks
show whether memory grows with the file. Targets (docs/performance.md): under 2 minutes and 300 MiB at full size.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIME_TARGET_S = 120
MEMORY_TARGET_MIB = 300

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Synthetic</title><link>http://synthetic.example.org</link><description>bench</description>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>http://synthetic.example.org</wp:base_site_url>
<wp:base_blog_url>http://synthetic.example.org</wp:base_blog_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[writer]]></wp:author_login><wp:author_email><![CDATA[writer@synthetic.example.org]]></wp:author_email><wp:author_display_name><![CDATA[Writer]]></wp:author_display_name><wp:author_first_name><![CDATA[]]></wp:author_first_name><wp:author_last_name><![CDATA[]]></wp:author_last_name></wp:author>
"""
WORDS = [
    "river",
    "boat",
    "paddle",
    "water",
    "morning",
    "current",
    "bank",
    "reed",
    "heron",
    "mist",
    "bridge",
    "ferry",
    "delta",
    "channel",
]


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def write_wxr(path: Path, *, posts: int, comments: int, seed: int = 7) -> int:
    """Write the file; returns the number of items and comments in it."""
    rng = random.Random(seed)
    start = datetime(2010, 1, 1, tzinfo=UTC)
    per_post, extra = divmod(comments, max(posts, 1))
    comment_id = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        for c in range(20):
            out.write(
                f"<wp:category><wp:term_id>{c + 1}</wp:term_id><wp:category_nicename>topic-{c}"
                f"</wp:category_nicename><wp:category_parent>{'topic-0' if c else ''}</wp:category_parent>"
                f"<wp:cat_name><![CDATA[Topic {c}]]></wp:cat_name></wp:category>\n"
            )
        for n in range(1, posts + 1):
            when = start + timedelta(hours=7 * n)
            body = "\n\n".join(f"{sentence(rng, 12)}\n{sentence(rng, 8)}" for _ in range(4))
            body += f'\n\n[caption align="alignnone"]<img src="http://synthetic.example.org/wp-content/uploads/2019/01/p{n}-300x200.jpg" alt="" /> {sentence(rng, 4)}[/caption]'
            out.write(
                f"<item><title><![CDATA[Post {n}: {sentence(rng, 4)}]]></title>"
                f"<link>http://synthetic.example.org/{when:%Y/%m/%d}/post-{n}/</link>"
                f"<dc:creator><![CDATA[writer]]></dc:creator>"
                f'<guid isPermaLink="false">http://synthetic.example.org/?p={n}</guid>'
                f"<content:encoded><![CDATA[{body}]]></content:encoded>"
                f"<excerpt:encoded><![CDATA[]]></excerpt:encoded><wp:post_id>{n}</wp:post_id>"
                f"<wp:post_date><![CDATA[{when - timedelta(hours=5):%Y-%m-%d %H:%M:%S}]]></wp:post_date>"
                f"<wp:post_date_gmt><![CDATA[{when:%Y-%m-%d %H:%M:%S}]]></wp:post_date_gmt>"
                f"<wp:comment_status><![CDATA[open]]></wp:comment_status><wp:ping_status><![CDATA[open]]></wp:ping_status>"
                f"<wp:post_name><![CDATA[post-{n}]]></wp:post_name><wp:status><![CDATA[publish]]></wp:status>"
                f"<wp:post_parent>0</wp:post_parent><wp:menu_order>0</wp:menu_order>"
                f"<wp:post_type><![CDATA[post]]></wp:post_type><wp:post_password><![CDATA[]]></wp:post_password>"
                f"<wp:is_sticky>0</wp:is_sticky>"
                f'<category domain="category" nicename="topic-{n % 20}"><![CDATA[Topic {n % 20}]]></category>'
                f'<category domain="post_tag" nicename="tag-{n % 200}"><![CDATA[Tag {n % 200}]]></category>\n'
            )
            ids: list[int] = []
            for k in range(per_post + (1 if n <= extra else 0)):
                comment_id += 1
                parent = rng.choice(ids) if ids and rng.random() < 0.66 else 0
                kind = "pingback" if k % 25 == 24 else "comment"
                url = f"https://elsewhere.example.net/{comment_id}/" if kind == "pingback" else ""
                moment = when + timedelta(minutes=10 * (k + 1))
                out.write(
                    f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author><![CDATA[Reader {comment_id % 500}]]></wp:comment_author>"
                    f"<wp:comment_author_email><![CDATA[reader{comment_id % 500}@example.net]]></wp:comment_author_email>"
                    f"<wp:comment_author_url>{url}</wp:comment_author_url><wp:comment_author_IP></wp:comment_author_IP>"
                    f"<wp:comment_date><![CDATA[{moment - timedelta(hours=5):%Y-%m-%d %H:%M:%S}]]></wp:comment_date>"
                    f"<wp:comment_date_gmt><![CDATA[{moment:%Y-%m-%d %H:%M:%S}]]></wp:comment_date_gmt>"
                    f"<wp:comment_content><![CDATA[{sentence(rng, 15)}]]></wp:comment_content>"
                    f"<wp:comment_approved><![CDATA[1]]></wp:comment_approved>"
                    f"<wp:comment_type><![CDATA[{kind}]]></wp:comment_type>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id>"
                    "</wp:comment>\n"
                )
                ids.append(comment_id)
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")
    return posts + comment_id


CHILD = """
import json, resource, sys, time
import django; django.setup()
from sampan.porting.importer import Options, import_wxr
started, cpu = time.perf_counter(), time.process_time()
report = import_wxr(sys.argv[1], options=Options(skip_media=True))
elapsed = time.perf_counter() - started
print(json.dumps({"seconds": elapsed, "cpu_seconds": time.process_time() - cpu, "counts": dict(report.counts),
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(work: Path, *, posts: int, comments: int) -> dict:
    data = work / f"data-{posts}"
    env = {**os.environ, "SAMPAN_DATA_DIR": str(data), "SAMPAN_LOG_LEVEL": "ERROR",
           "DJANGO_SETTINGS_MODULE": "sampan.settings", "PYTHONPATH": str(ROOT)}  # fmt: skip
    path = work / f"synthetic-{posts}.xml"
    items = write_wxr(path, posts=posts, comments=comments)
    subprocess.run([sys.executable, "-m", "sampan.cli", "migrate", "--verbosity", "0"], env=env, check=True)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], env=env, check=True, capture_output=True, text=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(posts=posts, comments=comments, items=items, file_mib=path.stat().st_size / 1048576)
    result["items_per_s"] = items / result["seconds"]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument("--scales", default="1", help="comma-separated fractions of the size (e.g. 0.1,1)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sampan-import-bench-"))
    results = []
    try:
        for scale in (float(s) for s in options.scales.split(",")):
            posts, comments = max(1, int(options.posts * scale)), int(options.comments * scale)
            print(f"import-wxr: {posts:,} posts, {comments:,} comments …", flush=True)
            result = measure(work, posts=posts, comments=comments)
            results.append(result)
            verdict = ""
            if posts >= 10_000 and comments >= 200_000:
                verdict = "  targets: " + (
                    "met"
                    if result["seconds"] < TIME_TARGET_S and result["peak_mib"] < MEMORY_TARGET_MIB
                    else "MISSED"
                )
            print(
                f"import-wxr: {result['file_mib']:.0f} MiB file, {result['items']:,} items in "
                f"{result['seconds']:.1f} s ({result['cpu_seconds']:.1f} s of CPU) = "
                f"{result['items_per_s']:,.0f} items/s, "
                f"peak memory {result['peak_mib']:.0f} MiB{verdict}",
                flush=True,
            )
    finally:
        if options.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (results_dir / f"import-wxr-{stamp}.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
