#!/usr/bin/env python3
"""A carnet site of small pages with YAML front matter, from a folder of small Markdown pages
(e.g. tldr-pages' `pages/common` and `pages/osx`, CC BY 4.0), for `compare_peers.py`.

    python3 benches/yaml_pages.py OUT_ROOT FOLDER [FOLDER…]

Each page goes to OUT_ROOT/content/<folder name>/<page>.md with `title` (its `# ` heading),
`description` (its first `> ` line) and `tags` (the folder name) as YAML front matter.
"""
import os
import shutil
import sys


def main() -> int:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out = os.path.join(sys.argv[1], "content")
    if os.path.exists(out):
        shutil.rmtree(out)
    pages = 0
    for folder in sys.argv[2:]:
        section = os.path.basename(os.path.normpath(folder))
        os.makedirs(os.path.join(out, section))
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".md"):
                continue
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                text = f.read()
            lines = text.splitlines()
            title = next((l[2:].strip() for l in lines if l.startswith("# ")), name[:-3])
            description = next((l[2:].strip() for l in lines if l.startswith("> ")), "")
            quote = lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
            front = f"---\ntitle: {quote(title)}\ndescription: {quote(description)}\ntags: [{section}]\n---\n\n"
            with open(os.path.join(out, section, name), "w", encoding="utf-8") as f:
                f.write(front + text)
            pages += 1
    print(f"{pages} pages with YAML front matter in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
