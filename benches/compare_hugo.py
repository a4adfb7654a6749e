#!/usr/bin/env python3
"""Fresh builds of one carnet site by carnet and by Hugo, side by side on the same machine.

    python3 benches/compare_hugo.py SITE_ROOT [--runs 3] [--carnet target/release/carnet]
                                               [--hugo hugo] [--work DIR]

SITE_ROOT is a carnet site (`content/` of Markdown guides, optionally `carnet.toml`). Its guides
are copied once into a minimal Hugo site (`DIR/hugo`): `content/` with each guide's own front
matter (YAML or TOML, which Hugo reads as it is), or `title` taken from the first `# ` heading
when it has none (else Hugo leaves `.Title` empty); a config with syntax highlighting of fenced
code on (Hugo's default, inline styles); a single/list layout printing the title and the content;
and a render-link hook that turns links to `X.md` into the page's URL, as carnet does. Hugo has
no search, sidebar or backlinks: this is the least work Hugo can do for the same pages.

Each tool then builds RUNS times, alternating, into an output folder deleted before each build
(as on a fresh checkout, as Render builds), as a whole process. Printed per tool: median wall
time, median CPU (user + system), highest peak resident memory (wait4), files and bytes written.
It reports only; it fails when a build fails.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

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

H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)


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
    ap.add_argument("--work", help="where the Hugo site and both outputs go (default: ROOT/../compare)")
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
        print(f"hugo / {name} wall time: {walls['hugo'] / walls[name]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
