/* carnet — default theme. Vanilla JS, fetches nothing (works from file://).
   Theme toggle, sidebar from window.CARNET_NAV, phone menu, "Sur cette page" scrollspy,
   copy/download buttons of code blocks, index.html links for file://. */
(function () {
  "use strict";
  var doc = document, de = doc.documentElement;
  var root = de.getAttribute("data-root") || "";
  /* The 404 page is served at any URL: it marks no page as current. */
  var here = de.getAttribute("data-kind") === "not_found" ? null : de.getAttribute("data-path") || "";
  var isFile = location.protocol === "file:";
  var $ = function (sel, el) { return (el || doc).querySelector(sel); };
  var $$ = function (sel, el) { return Array.prototype.slice.call((el || doc).querySelectorAll(sel)); };
  var live = doc.createElement("div");
  live.className = "sr-only";
  live.setAttribute("aria-live", "polite");
  doc.body.appendChild(live);
  function say(text) { live.textContent = ""; setTimeout(function () { live.textContent = text; }, 50); }

  /* Pretty URLs end in "/": from file:// the browser shows a folder, so point at index.html. */
  function local(href) {
    if (!isFile || /^([a-z][a-z0-9+.-]*:|\/|#)/i.test(href)) return href;
    return href.replace(/^([^?#]*\/)?([?#].*)?$/, function (all, path, rest) {
      return (path || "./") + "index.html" + (rest || "");
    });
  }
  function link(u) { return local(root + u || "./"); }

  /* Theme, three states: "system" (no data-theme, nothing stored: the CSS follows
     prefers-color-scheme live), "light", "dark" (stored in localStorage "carnet-theme", applied
     before the first paint by the inline script of the page's head). A click goes from the
     system to the opposite of what it shows, then to the other, then back to the system, so
     every click but the last changes the page. The button's name says the current state. */
  var dark = window.matchMedia ? matchMedia("(prefers-color-scheme: dark)") : { matches: false };
  var themeBtn = $(".theme-toggle");
  var themeNames = { light: "clair", dark: "sombre" };
  var themeColors = $$('meta[name="theme-color"]').map(function (m) { return [m, m.getAttribute("content")]; });
  function systemTheme() { return dark.matches ? "dark" : "light"; }
  function chosenTheme() { var t = de.getAttribute("data-theme"); return t === "dark" || t === "light" ? t : "system"; }
  function nextTheme() {
    var now = chosenTheme(), shown = systemTheme();
    if (now === "system") return shown === "dark" ? "light" : "dark";
    return now === shown ? "system" : shown;
  }
  function themeLabel(t) {
    return t === "system" ? "suit le système (" + themeNames[systemTheme()] + " en ce moment)" : themeNames[t];
  }
  function syncTheme() {
    var now = chosenTheme();
    if (themeBtn) {
      var next = nextTheme();
      themeBtn.setAttribute("data-state", now);
      themeBtn.setAttribute("aria-label", "Thème : " + themeLabel(now));
      themeBtn.title = "Thème : " + themeLabel(now) + ". Cliquer : " +
        (next === "system" ? "suivre le système" : "thème " + themeNames[next]);
    }
    var bg = now === "system" ? null : getComputedStyle(doc.body).backgroundColor;
    themeColors.forEach(function (pair) { pair[0].setAttribute("content", bg || pair[1]); });
  }
  function setTheme(t, store) {
    if (t === "system") de.removeAttribute("data-theme"); else de.setAttribute("data-theme", t);
    if (store) {
      try {
        if (t === "system") localStorage.removeItem("carnet-theme"); else localStorage.setItem("carnet-theme", t);
      } catch (e) { /* private mode */ }
    }
    syncTheme();
  }
  if (themeBtn) themeBtn.addEventListener("click", function () {
    setTheme(nextTheme(), true);
    say("Thème : " + themeLabel(chosenTheme()));
  });
  if (dark.addEventListener) dark.addEventListener("change", syncTheme);
  window.addEventListener("storage", function (e) {
    if (e.key !== "carnet-theme" && e.key !== null) return;
    setTheme(e.newValue === "dark" || e.newValue === "light" ? e.newValue : "system", false);
  });
  syncTheme();

  /* Sidebar: closed folders are built only when opened, so a huge site stays cheap. */
  var side = $("#sidebar"), tree = $(".nav-tree");
  var chevron = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M9 6l6 6-6 6"/></svg>';
  function item(node) {
    var li = doc.createElement("li"), a = doc.createElement("a");
    a.href = link(node.u);
    a.textContent = node.t;
    if (node.u === here) a.setAttribute("aria-current", "page");
    if (!node.c || !node.c.length) { li.appendChild(a); return li; }
    var row = doc.createElement("div"), btn = doc.createElement("button"), ul = doc.createElement("ul");
    var open = here !== null && here.indexOf(node.u) === 0 && node.u !== "";
    li.className = "nav-group";
    row.className = "nav-row";
    btn.type = "button";
    btn.className = "nav-fold";
    btn.innerHTML = chevron;
    btn.setAttribute("aria-label", "Sous-pages : " + node.t);
    btn.setAttribute("aria-expanded", String(open));
    btn.addEventListener("click", function () {
      var show = btn.getAttribute("aria-expanded") !== "true";
      if (show && !ul.firstChild) fill(ul, node.c);
      ul.hidden = !show;
      btn.setAttribute("aria-expanded", String(show));
    });
    row.appendChild(a);
    row.appendChild(btn);
    li.appendChild(row);
    ul.hidden = !open;
    if (open) fill(ul, node.c);
    li.appendChild(ul);
    return li;
  }
  function fill(ul, nodes) {
    var frag = doc.createDocumentFragment();
    nodes.forEach(function (n) { frag.appendChild(item(n)); });
    ul.appendChild(frag);
  }
  if (tree) {
    var nav = window.CARNET_NAV, ul = doc.createElement("ul");
    if (nav) {
      fill(ul, [{ t: "Accueil", u: nav.u || "" }].concat(nav.c || []));
    } else {
      fill(ul, [{ t: "Tous les guides", u: "" }]);
    }
    tree.appendChild(ul);
    var current = $('[aria-current="page"]', tree);
    if (current && side.scrollHeight > side.clientHeight) {
      side.scrollTop = current.offsetTop - side.clientHeight / 3;
    }
  }

  /* Phone menu: the button opens the sidebar; Esc, a click outside or leaving it closes it. */
  var menuBtn = $(".menu-toggle");
  function menuOpen() { return de.classList.contains("nav-open"); }
  function setMenu(open, refocus) {
    de.classList.toggle("nav-open", open);
    menuBtn.setAttribute("aria-expanded", String(open));
    if (open) {
      var target = $('[aria-current="page"]', side) || $("a", side);
      if (target) setTimeout(function () { target.focus(); }, 50);
    } else if (refocus) menuBtn.focus();
  }
  if (menuBtn && side) {
    menuBtn.addEventListener("click", function () { setMenu(!menuOpen(), false); });
    doc.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && menuOpen()) setMenu(false, true);
    });
    doc.addEventListener("click", function (e) {
      if (!menuOpen()) return;
      if (!side.contains(e.target) && !menuBtn.contains(e.target)) setMenu(false, false);
      else if (e.target.closest && e.target.closest("#sidebar a")) setMenu(false, false);
    });
    doc.addEventListener("focusin", function (e) {
      if (menuOpen() && !side.contains(e.target) && !menuBtn.contains(e.target)) setMenu(false, false);
    });
  }

  /* "Sur cette page": mark the heading of the section at the top of the window, i.e. the last
     heading scrolled up to just under the sticky header. A heading reached by a link (the URL's
     #fragment, a click in the list) stays marked while it is on screen and the reader has not
     scrolled by hand: near the end of a page it cannot reach the top. */
  /* The page holds the list once (above the guide, folded); wide screens show a copy beside it. */
  var tocSide = $(".toc-side"), tocInline = $(".toc-inline .toc-list");
  if (tocSide && tocInline && !$(".toc-list", tocSide)) tocSide.appendChild(tocInline.cloneNode(true));
  var tocLinks = $$(".toc-list a");
  var headings = [], pinned = null, pinnedAt = 0, header = $(".site-header");
  tocLinks.forEach(function (a) {
    var id = decodeURIComponent(a.getAttribute("href").slice(1)), h = doc.getElementById(id);
    if (h && headings.indexOf(h) < 0) headings.push(h);
  });
  /* The heading an anchor belongs to: itself, or the last heading before it (aliases). */
  function headingOf(el) {
    var found = null;
    headings.forEach(function (h) {
      if (h === el || h.contains(el) || (h.compareDocumentPosition(el) & 4)) found = h;
    });
    return found;
  }
  function pinHash() {
    var id = "";
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { id = location.hash.slice(1); }
    var el = id && doc.getElementById(id);
    pin(el ? headingOf(el) : null);
  }
  function onScreen(h) {
    var top = h.getBoundingClientRect().top, under = header ? header.getBoundingClientRect().bottom : 0;
    return top >= under - 4 && top < window.innerHeight;
  }
  function positioned() {
    var line = (header ? header.getBoundingClientRect().bottom : 0) + 32, active = null;
    headings.forEach(function (h) { if (h.getBoundingClientRect().top <= line) active = h; });
    if (window.innerHeight + window.scrollY >= de.scrollHeight - 2) {
      /* At the very end: the last heading on screen, since it can never reach the top. */
      headings.forEach(function (h) { if (onScreen(h)) active = h; });
    }
    return active;
  }
  /* The browser may still be scrolling to it (smoothly): a pin lasts at least a moment. */
  function pin(h) { pinned = h; pinnedAt = Date.now(); spy(); }
  function spy() {
    if (pinned && !onScreen(pinned) && Date.now() - pinnedAt > 1500) pinned = null;
    var active = pinned || positioned();
    tocLinks.forEach(function (a) {
      if (!active || a.getAttribute("href") !== "#" + active.id) { a.removeAttribute("aria-current"); return; }
      a.setAttribute("aria-current", "true");
      /* Keep the marked entry in view in a list taller than the window (not the page). */
      var list = a.closest(".toc-side");
      if (!list || list.scrollHeight <= list.clientHeight) return;
      var box = list.getBoundingClientRect(), r = a.getBoundingClientRect();
      if (r.top < box.top + 8 || r.bottom > box.bottom - 8) list.scrollTop += r.top - box.top - list.clientHeight / 3;
    });
  }
  if (headings.length) {
    var queued = false;
    var later = function () {
      if (queued) return;
      queued = true;
      requestAnimationFrame(function () { queued = false; spy(); });
    };
    window.addEventListener("scroll", later, { passive: true });
    window.addEventListener("resize", later);
    window.addEventListener("hashchange", pinHash);
    /* Scrolling by hand ends what a link pinned. */
    ["wheel", "touchmove"].forEach(function (t) {
      window.addEventListener(t, function () { pinned = null; }, { passive: true });
    });
    doc.addEventListener("keydown", function (e) {
      if (/^(Arrow|Page|Home|End| )/.test(e.key) && !/^(INPUT|TEXTAREA)$/.test(e.target.tagName)) pinned = null;
    });
    tocLinks.forEach(function (a) {
      a.addEventListener("click", function () {
        var h = doc.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
        setTimeout(function () { pin(h && headingOf(h)); }, 0);
      });
    });
    pinHash();
    window.addEventListener("load", spy);
  }
  $$(".toc-inline a").forEach(function (a) {
    a.addEventListener("click", function () { a.closest("details").open = false; });
  });

  /* Code blocks: copy exactly the code (no prompts, no output), download file-titled blocks. */
  function codeOf(btn) { return btn.closest(".code-block").querySelector("pre code"); }
  function copyText(code) {
    var clone = code.cloneNode(true);
    $$("[data-nocopy]", clone).forEach(function (el) { el.parentNode.removeChild(el); });
    return clone.textContent.replace(/\n$/, "");
  }
  function legacyCopy(text, btn) {
    var ta = doc.createElement("textarea"), ok = false;
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.style.cssText = "position:fixed;top:0;left:0;width:1px;height:1px;opacity:0;font-size:16px";
    doc.body.appendChild(ta);
    ta.select();
    ta.setSelectionRange(0, text.length);
    try { ok = doc.execCommand("copy"); } catch (e) { ok = false; }
    doc.body.removeChild(ta);
    btn.focus();
    return ok;
  }
  function feedback(btn, ok, label, message) {
    clearTimeout(btn._carnet);
    if (!btn._label) btn._label = btn.textContent;
    btn.textContent = label;
    btn.classList.toggle("is-done", ok);
    btn.classList.toggle("is-failed", !ok);
    say(message);
    btn._carnet = setTimeout(function () {
      btn.textContent = btn._label;
      btn.classList.remove("is-done", "is-failed");
    }, 2000);
  }
  function copied(btn, code, ok) {
    if (ok) return feedback(btn, true, "Copié !", "Code copié dans le presse-papiers");
    feedback(btn, false, "Échec de la copie", "Échec de la copie : le code est sélectionné, copiez-le avec Ctrl+C");
    var range = doc.createRange(), sel = window.getSelection();
    range.selectNodeContents(code);
    sel.removeAllRanges();
    sel.addRange(range);
  }
  function copy(btn) {
    var code = codeOf(btn), text = copyText(code);
    if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { copied(btn, code, true); },
        function () { copied(btn, code, legacyCopy(text, btn)); });
    } else {
      copied(btn, code, legacyCopy(text, btn));
    }
  }
  function download(btn) {
    var text = codeOf(btn).textContent, name = btn.getAttribute("data-filename") || "extrait.txt";
    if (text.slice(-1) !== "\n") text += "\n";
    var url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
    var a = doc.createElement("a");
    a.href = url;
    a.download = name;
    doc.body.appendChild(a);
    a.click();
    doc.body.removeChild(a);
    setTimeout(function () { URL.revokeObjectURL(url); }, 4000);
    feedback(btn, true, "Téléchargé", "Téléchargement de " + name);
  }
  doc.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest(".code-copy, .code-download");
    if (!btn) return;
    if (btn.classList.contains("code-copy")) copy(btn); else download(btn);
  });

  /* Wide tables: a table wider than its box can be reached and scrolled from the keyboard, and
     a shadow on the side that hides columns says there is more. */
  function tableHints() {
    $$(".table-wrapper").forEach(function (w) {
      var wide = w.scrollWidth > w.clientWidth + 1;
      w.classList.toggle("is-scrollable", wide);
      w.classList.toggle("at-start", w.scrollLeft <= 1);
      w.classList.toggle("at-end", w.scrollLeft + w.clientWidth >= w.scrollWidth - 1);
      if (wide) {
        w.setAttribute("tabindex", "0");
        w.setAttribute("role", "region");
        w.setAttribute("aria-label", "Tableau large, faire défiler horizontalement");
      } else if (w.getAttribute("role") === "region") {
        w.removeAttribute("tabindex");
        w.removeAttribute("role");
        w.removeAttribute("aria-label");
      }
    });
  }
  $$(".table-wrapper").forEach(function (w) { w.addEventListener("scroll", tableHints, { passive: true }); });
  window.addEventListener("resize", tableHints);
  tableHints();

  /* Offline copy: relative links to folders get their index.html. */
  if (isFile) {
    $$("a[href]").forEach(function (a) {
      var href = a.getAttribute("href"), fixed = local(href);
      if (fixed !== href) a.setAttribute("href", fixed);
    });
  }
})();
