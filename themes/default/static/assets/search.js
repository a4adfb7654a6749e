/* carnet — the search box. Loads the engine and the index on demand with <script> tags (JSONP:
   window.CARNET_SEARCH_SHARD), so it works from file:// and any static host. The page names the
   engine and the manifest (data-search-engine, data-search-manifest on this script's tag); the
   manifest, at a fixed address, names the folder of the shards, which changes with the index.
   Results as you type, grouped by page; ↑/↓/Entrée/Échap; "/" and Ctrl/⌘+K focus the box; the
   opened guide highlights the searched words (?q=). */
(function () {
  "use strict";
  var doc = document, de = doc.documentElement;
  var root = de.getAttribute("data-root") || "";
  var me = doc.querySelector("script[data-search-engine]");
  var engineUrl = me ? me.getAttribute("data-search-engine") : root + "assets/search-engine.js";
  var manifestUrl = me ? me.getAttribute("data-search-manifest") : root + "assets/search-manifest.js";
  var input = doc.getElementById("search-input"), box = doc.getElementById("search-results");
  var form = input && input.form;
  var waiting = {}, shards = null, manifestPromise = null, enginePromise = null, shown = [], active = -1, seq = 0, timer = 0;

  window.CARNET_SEARCH_SHARD = function (name, data) {
    var w = waiting[name];
    if (w) { delete waiting[name]; w(data); }
  };
  function script(src, done, fail) {
    var s = doc.createElement("script");
    s.src = src;
    s.onload = done;
    s.onerror = function () { s.remove(); fail(new Error("fichier de recherche introuvable : " + src)); };
    doc.head.appendChild(s);
  }
  function fetchShard(name, src) {
    return new Promise(function (resolve, reject) {
      waiting[name] = resolve;
      script(src, null, function (e) { delete waiting[name]; reject(e); });
    });
  }
  /* The manifest first: it says where the other files are. */
  function manifest() {
    if (!manifestPromise) {
      manifestPromise = fetchShard("manifest", manifestUrl).then(function (m) { shards = root + m.d; return m; });
      manifestPromise.catch(function () { manifestPromise = null; });
    }
    return manifestPromise;
  }
  function load(name) {
    if (name === "manifest") return manifest();
    return manifest().then(function () { return fetchShard(name, shards + name + ".js"); });
  }
  function engine() {
    if (!enginePromise) {
      enginePromise = new Promise(function (resolve, reject) {
        script(engineUrl, function () { resolve(window.CarnetSearch.createEngine(load)); }, reject);
      });
      enginePromise.catch(function () { enginePromise = null; });
    }
    return enginePromise;
  }
  /* Pretty URLs end in "/": from file:// point at index.html (as carnet.js does). */
  function href(url, query) {
    var hash = url.indexOf("#") < 0 ? "" : url.slice(url.indexOf("#"));
    var path = root + url.replace(/#.*/, "");
    if (location.protocol === "file:" && /(^|\/)$/.test(path)) path += "index.html";
    return (path || "./") + "?q=" + encodeURIComponent(query) + hash;
  }
  function esc(t) { return String(t).replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); }

  function open(yes) {
    box.hidden = !yes;
    input.setAttribute("aria-expanded", String(yes));
  }
  function select(i) {
    if (shown[active]) shown[active].removeAttribute("aria-current");
    active = shown.length ? (i + shown.length) % shown.length : -1;
    if (active >= 0) {
      shown[active].setAttribute("aria-current", "true");
      shown[active].scrollIntoView({ block: "nearest" });
    }
  }
  function render(answer) {
    var q = answer.query, html = "";
    answer.results.forEach(function (page) {
      html += '<section class="search-page"><a class="search-hit search-hit-page" href="' + esc(href(page.url, q)) +
        '"><span class="search-title">' + page.titleHtml + "</span></a>";
      page.sections.forEach(function (s) {
        if (s.url === page.url && !s.snippetHtml) return;
        html += '<a class="search-hit" href="' + esc(href(s.url, q)) + '"><span class="search-heading">' +
          (s.url === page.url ? "Introduction" : s.headingHtml) + '</span><span class="search-snippet">' +
          s.snippetHtml + "</span></a>";
      });
      html += "</section>";
    });
    if (!answer.results.length) {
      html = '<p class="search-empty">Aucun résultat pour « ' + esc(q.trim()) + " »." +
        (answer.suggestion ? ' Essayez <button type="button" class="search-suggest">' + esc(answer.suggestion) +
          "</button>" : "") + "</p>";
    }
    box.innerHTML = html;
    box.setAttribute("data-query", q);
    shown = Array.prototype.slice.call(box.querySelectorAll("a"));
    active = -1;
    if (shown.length) select(0);
    open(true);
  }
  function run() {
    var q = input.value, mine = ++seq;
    if (!q.trim()) { open(false); box.innerHTML = ""; shown = []; return; }
    engine().then(function (e) { return e.search(q); }).then(function (answer) {
      if (mine === seq) render(answer);
    }, function (err) {
      if (mine !== seq) return;
      box.innerHTML = '<p class="search-empty">Recherche indisponible (' + esc(err.message) + ").</p>";
      shown = [];
      open(true);
    });
  }

  if (form) form.addEventListener("submit", function (e) { e.preventDefault(); });
  if (input && box) {
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 60); });
    input.addEventListener("focus", function () { engine(); if (input.value.trim() && box.innerHTML) open(true); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (box.hidden && input.value.trim()) run(); else select(active + (e.key === "ArrowDown" ? 1 : -1));
      } else if (e.key === "Enter") {
        e.preventDefault();
        if (shown[active]) location.href = shown[active].href;
      } else if (e.key === "Escape") {
        if (!box.hidden) { e.preventDefault(); open(false); } else { input.value = ""; input.blur(); }
      }
    });
    box.addEventListener("click", function (e) {
      var b = e.target.closest(".search-suggest");
      if (b) { input.value = b.textContent; input.focus(); run(); }
    });
    doc.addEventListener("click", function (e) {
      if (!box.hidden && !e.target.closest("#search")) open(false);
    });
    doc.addEventListener("keydown", function (e) {
      var t = e.target, typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
      if ((e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) ||
          (e.key.toLowerCase() === "k" && (e.ctrlKey || e.metaKey) && !e.altKey)) {
        e.preventDefault();
        input.focus();
        input.select();
      }
    });
  }

  /* A guide opened from the results: mark the searched words in the text. */
  var query = new URLSearchParams(location.search).get("q");
  var main = doc.querySelector("main");
  if (query && main) {
    if (input) input.value = query;
    engine().then(function (e) { return e.highlighter(query); }).then(function (set) {
      var walker = doc.createTreeWalker(main, NodeFilter.SHOW_TEXT), nodes = [], n;
      while ((n = walker.nextNode())) if (n.nodeValue.trim() && !n.parentNode.closest("mark, script, style")) nodes.push(n);
      nodes.forEach(function (node) {
        var ranges = window.CarnetSearch.matchRanges(node.nodeValue, set);
        for (var i = ranges.length - 1; i >= 0; i--) {
          var part = node.splitText(ranges[i][0]);
          part.splitText(ranges[i][1] - ranges[i][0]);
          var mark = doc.createElement("mark");
          mark.className = "search-mark";
          part.parentNode.replaceChild(mark, part);
          mark.appendChild(part);
        }
      });
    }).catch(function () { /* highlighting is a nicety */ });
  }
})();
