#!/usr/bin/env python3
"""Fresh builds of one carnet site by carnet, Hugo and Zola, side by side on the same machine.

    python3 benches/compare_peers.py SITE_ROOT [--runs 3] [--carnet target/release/carnet]
                                               [--hugo hugo] [--zola PATH] [--work DIR]

SITE_ROOT is a carnet site (`content/` of Markdown guides, optionally `carnet.toml`). Its guides
are copied once into a minimal Hugo site (`DIR/hugo`): `content/` with each guide's own front
matter (YAML or TOML, which Hugo reads as it is), or `title` taken from the first `# ` heading
when it has none (else Hugo leaves `.Title` empty); a config with syntax highlighting of fenced
code on (Hugo's default, inline styles); a single/list layout printing the title and the content;
and a render-link hook that turns links to `X.md` into the page's URL, as carnet does. Hugo has
no search, sidebar or backlinks: this is the least work Hugo can do for the same pages.

With `--zola PATH` (Zola has no Debian package: build its repository's tag with `cargo build
--release --locked`), the guides are also copied into a minimal Zola site (`DIR/zola`): each
guide's front matter replaced by TOML with its title only (Zola rejects the keys it does not
know, and requires `+++` even when empty), an `_index.md` in every folder (`index.md` and
`README.md` become it), highlighting of fenced code on (`[markdown.highlighting]`, inline styles
as Hugo), and page/section/index templates printing the title and the content. Zola resolves
only `@/` links, so links to `X.md` stay as written: a little less work than carnet and Hugo do.

Each tool then builds RUNS times, alternating, into an output folder deleted before each build
(as on a fresh checkout, as Render builds), as a whole process. Printed per tool: median wall
time, median CPU (user + system), highest peak resident memory (wait4), files and bytes written.
It reports only; it fails when a build fails.
"""
from __future__ import annotations

import argparse
import itertools
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import unicodedata

HUGO_CONFIG = """baseURL = "http://127.0.0.1:1313/"
languageCode = "fr"
title = "Guides"
disableKinds = ["taxonomy", "term", "RSS", "sitemap"]

[markup.goldmark.renderer]
unsafe = true

[markup.highlight]
codeFences = true
"""

HUGO_SINGLE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main>{{ .Content }}</main></body></html>
"""

HUGO_LIST = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ .Site.Title }}</title></head>
<body><h1>{{ .Title }}</h1><ul>
{{ range .RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul></body></html>
"""

HUGO_RENDER_LINK = """{{- $href := .Destination -}}
{{- /* Only relative links to .md files are parsed: urls.Parse fails on some absolute ones
       that guides write as text, such as http://localhost:port. */ -}}
{{- if and (not (strings.Contains .Destination "://")) (strings.Contains .Destination ".md") -}}
{{- $u := urls.Parse .Destination -}}
{{- if strings.HasSuffix $u.Path ".md" -}}
{{- with $.Page.GetPage $u.Path -}}
{{- $href = .RelPermalink -}}
{{- with $u.Fragment }}{{ $href = printf "%s#%s" $href . }}{{ end -}}
{{- end -}}
{{- end -}}
{{- end -}}
<a href="{{ $href | safeURL }}">{{ .Text | safeHTML }}</a>
{{- /* */ -}}
"""

ZOLA_CONFIG = """base_url = "http://127.0.0.1:1111"
title = "Guides"
default_language = "fr"
compile_sass = false
build_search_index = false
generate_feeds = false

[markdown.highlighting]
theme = "github-dark"
style = "inline"

# Zola checks the anchors of links between pages; carnet and Hugo go on past a broken one.
[link_checker]
internal_level = "warn"
"""

ZOLA_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ page.title }}</title></head>
<body><main>{{ page.content | safe }}</main></body></html>
"""

ZOLA_SECTION = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ config.title }}</title></head>
<body><h1>{{ section.title }}</h1>{{ section.content | safe }}<ul>
{% for page in section.pages %}<li><a href="{{ page.permalink }}">{{ page.title }}</a></li>
{% endfor %}</ul></body></html>
"""

H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)
FRONT_MATTER = re.compile(r"\A(---|\+\+\+)\n(.*?)\n\1[ \t]*\n", re.S)
FRONT_TITLE = re.compile(r"^title\s*[:=]\s*(.+?)\s*$", re.M)


def hugo_site(root: str, out: str) -> int:
    """Writes the Hugo site for the carnet site at `root` into `out`; returns the pages copied."""
    if os.path.exists(out):
        shutil.rmtree(out)
    content = os.path.join(root, "content")
    pages = 0
    for folder, _, files in os.walk(content):
        for name in files:
            if not name.lower().endswith(".md"):
                continue
            source = os.path.join(folder, name)
            target = os.path.join(out, "content", os.path.relpath(source, content))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(source, encoding="utf-8", errors="replace") as f:
                text = f.read()
            if not (text.startswith("---\n") or text.startswith("+++\n")):
                m = H1.search(text)
                title = m.group(1) if m else os.path.splitext(name)[0]
                title = title.replace("\\", "\\\\").replace('"', '\\"')
                text = f'+++\ntitle = "{title}"\n+++\n\n' + text
            # `{{<` and `{{%` open Hugo shortcodes (tldr-pages writes `{{<ArrowLeft>}}` as text).
            text = text.replace("{{<", "{ {<").replace("{{%", "{ {%")
            if name.lower() in ("index.md", "readme.md"):
                target = os.path.join(os.path.dirname(target), "_index.md")
            with open(target, "w", encoding="utf-8") as f:
                f.write(text)
            pages += 1
    layouts = os.path.join(out, "layouts", "_default")
    os.makedirs(os.path.join(layouts, "_markup"))
    for path, text in [
        (os.path.join(out, "config.toml"), HUGO_CONFIG),
        (os.path.join(layouts, "single.html"), HUGO_SINGLE),
        (os.path.join(layouts, "list.html"), HUGO_LIST),
        (os.path.join(layouts, "_markup", "render-link.html"), HUGO_RENDER_LINK),
    ]:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    return pages


def toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def zola_slug(name: str) -> str:
    """A slug as Zola makes one (ASCII, lower case, `-` between words)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "page"


def zola_page(text: str, name: str, slug: str | None = None) -> str:
    """`text` with its front matter replaced by a TOML one holding only its title (and `slug`)."""
    title = None
    front = FRONT_MATTER.match(text)
    if front:
        found = FRONT_TITLE.search(front.group(2))
        title = found.group(1).strip("'\"") if found else None
        text = text[front.end():]
    if title is None:
        m = H1.search(text)
        title = m.group(1) if m else os.path.splitext(name)[0]
    slug_line = f"slug = {toml_string(slug)}\n" if slug else ""
    return f"+++\ntitle = {toml_string(title)}\n{slug_line}+++\n\n" + text


def zola_site(root: str, out: str) -> int:
    """Writes the Zola site for the carnet site at `root` into `out`; returns the pages copied."""
    if os.path.exists(out):
        shutil.rmtree(out)
    content = os.path.join(root, "content")
    pages = 0
    for folder, subfolders, files in os.walk(content):
        target_folder = os.path.join(out, "content", os.path.relpath(folder, content))
        os.makedirs(target_folder, exist_ok=True)
        index = os.path.join(target_folder, "_index.md")
        # Zola stops on two pages at one address (carnet settles them, `clang-2/`): every page
        # gets a slug of its own, different from its folder's sub-folders too.
        taken = {zola_slug(sub) for sub in subfolders}
        for name in sorted(files):
            if not name.lower().endswith(".md"):
                continue
            landing = name.lower() in ("index.md", "readme.md", "_index.md")
            slug = zola_slug(os.path.splitext(name)[0])
            slug = next(s for s in itertools.chain([slug], (f"{slug}-{n}" for n in itertools.count(2)))
                        if s not in taken)
            taken.add(slug)
            with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as f:
                text = zola_page(f.read(), name, None if landing else slug)
            target = index if landing and not os.path.exists(index) else os.path.join(target_folder, name)
            with open(target, "w", encoding="utf-8") as f:
                f.write(text)
            pages += 1
        if not os.path.exists(index):
            with open(index, "w", encoding="utf-8") as f:
                f.write(f"+++\ntitle = {toml_string(os.path.basename(folder))}\n+++\n")
    templates = os.path.join(out, "templates")
    os.makedirs(templates)
    for path, text in [
        (os.path.join(out, "config.toml"), ZOLA_CONFIG),
        (os.path.join(templates, "page.html"), ZOLA_PAGE),
        (os.path.join(templates, "section.html"), ZOLA_SECTION),
        (os.path.join(templates, "index.html"), ZOLA_SECTION),
    ]:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    return pages


def run(command: list[str], output: str) -> tuple[float, float, int]:
    """One build as a whole process into a fresh `output`: wall s, CPU s, peak bytes."""
    if os.path.exists(output):
        shutil.rmtree(output)
    started = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(command)} failed:\n{stderr.decode(errors='replace')[-3000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


def written(folder: str) -> tuple[int, int, int]:
    """Files, folders and bytes under `folder`."""
    files = dirs = size = 0
    for _, subdirs, names in os.walk(folder):
        dirs += len(subdirs)
        for name in names:
            files += 1
            size += os.path.getsize(os.path.join(_, name))
    return files, dirs, size


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("root", help="carnet site root (with content/)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--carnet", default=os.path.join("target", "release", "carnet"))
    ap.add_argument("--before", help="another carnet binary to measure too (e.g. the main branch's)")
    ap.add_argument("--hugo", default="hugo")
    ap.add_argument("--zola", help="a zola binary (0.22.1 was measured): measure Zola too")
    ap.add_argument("--work", help="where the peers' sites and every output go (default: ROOT/../compare)")
    a = ap.parse_args()
    root = os.path.abspath(a.root)
    work = os.path.abspath(a.work or os.path.join(root, "..", os.path.basename(root) + "-compare"))
    hugo_root = os.path.join(work, "hugo")
    pages = hugo_site(root, hugo_root)
    carnets = {"carnet": a.carnet, **({"before": a.before} if a.before else {})}
    tools = {
        name: ([os.path.abspath(binary), "-q", "build", "--root", root, "--broken-links", "warn",
                "--output", os.path.join(work, f"{name}-public")], os.path.join(work, f"{name}-public"))
        for name, binary in carnets.items()
    }
    tools["hugo"] = (
        [a.hugo, "--quiet", "--source", hugo_root, "--destination", os.path.join(work, "hugo-public")],
        os.path.join(work, "hugo-public"),
    )
    if a.zola:
        zola_root = os.path.join(work, "zola")
        zola_site(root, zola_root)
        tools["zola"] = (
            [a.zola, "--root", zola_root, "build", "--force", "--output-dir", os.path.join(work, "zola-public")],
            os.path.join(work, "zola-public"),
        )
    results: dict[str, list[tuple[float, float, int]]] = {name: [] for name in tools}
    for _ in range(a.runs):
        for name, (command, output) in tools.items():
            results[name].append(run(command, output))
    print(f"{pages} guides from {root}; {a.runs} fresh builds each, alternating; "
          f"load {open('/proc/loadavg').read().split()[:3]}, {os.cpu_count()} cores")
    print(f"{'tool':<7} {'wall s':>8} {'cpu s':>7} {'peak MiB':>9} {'files':>7} {'folders':>8} {'MB':>8}")
    walls = {}
    for name, (_, output) in tools.items():
        runs = results[name]
        walls[name] = statistics.median(r[0] for r in runs)
        files, dirs, size = written(output)
        print(f"{name:<7} {walls[name]:>8.2f} {statistics.median(r[1] for r in runs):>7.2f} "
              f"{max(r[2] for r in runs) / 2**20:>9.0f} {files:>7} {dirs:>8} {size / 1e6:>8.1f}")
    for name in carnets:
        for peer in [peer for peer in ("hugo", "zola") if peer in walls]:
            print(f"{peer} / {name} wall time: {walls[peer] / walls[name]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
