/* carnet serve: live reload, served at /__carnet/live-reload.js (a file from the site's own origin,
   which the Content-Security-Policy allows). Only the preview's pages load it; `carnet build` never
   adds it. */
(function () {
  "use strict";
  var SCROLL = "carnet-live-scroll";
  var root = document.documentElement;

  // Back where the author was before the reload (once the page and its sidebar are laid out).
  try {
    var saved = JSON.parse(sessionStorage.getItem(SCROLL) || "null");
    sessionStorage.removeItem(SCROLL);
    if (saved && saved.path === location.pathname) {
      if ("scrollRestoration" in history) history.scrollRestoration = "manual";
      // Without scroll anchoring for a moment: what still settles after `load` would otherwise
      // move the view off the saved offset (by 8 to 24 px on a loaded machine). The offset is
      // set again, frame after frame, until it has held for 300 ms (2 s at most): something that
      // still scrolls or lays out the page after `load` (seen: 138 px, once in a few runs of
      // the browser tests in parallel) does not leave the author elsewhere.
      var restore = function () {
        root.style.overflowAnchor = "none";
        var started = Date.now(), moved = started;
        (function settle() {
          var now = Date.now();
          if (Math.abs(window.scrollY - saved.y) > 1 || Math.abs(window.scrollX - saved.x) > 1) {
            window.scrollTo({ left: saved.x, top: saved.y, behavior: "instant" });
            moved = now;
          }
          if (now - moved < 300 && now - started < 2000) { requestAnimationFrame(settle); return; }
          root.setAttribute("data-live-restored", "");
          setTimeout(function () { root.style.overflowAnchor = ""; }, 1000);
        })();
      };
      if (document.readyState === "complete") restore(); else addEventListener("load", restore);
    }
  } catch (e) { /* private mode: the browser restores what it can */ }

  if (!window.EventSource) return;

  function reload() {
    try {
      sessionStorage.setItem(SCROLL, JSON.stringify({ path: location.pathname, x: scrollX, y: scrollY }));
    } catch (e) { /* ignore */ }
    location.reload();
  }

  // A new stylesheet is loaded beside the old one, which goes once the new one applies. The
  // rebuilt page names the new sheets (a fingerprinted name changes with the contents); a sheet
  // whose name stayed is fetched again past the cache.
  function swapStylesheets() {
    fetch(location.pathname + location.search, { cache: "no-store" }).then(function (response) {
      return response.text();
    }).then(function (html) {
      var rebuilt = new DOMParser().parseFromString(html, "text/html").querySelectorAll('link[rel="stylesheet"]');
      var links = document.querySelectorAll('link[rel="stylesheet"]');
      if (rebuilt.length !== links.length) { reload(); return; }
      Array.prototype.forEach.call(links, function (old, i) {
        var fresh = old.cloneNode();
        var href = rebuilt[i].getAttribute("href");
        if (href === old.getAttribute("href").replace(/[?&]carnet-live=\d+$/, "")) {
          href += (href.indexOf("?") < 0 ? "?" : "&") + "carnet-live=" + Date.now();
        }
        fresh.setAttribute("href", href);
        fresh.addEventListener("load", function () { old.remove(); });
        fresh.addEventListener("error", function () { fresh.remove(); });
        old.after(fresh);
      });
    }).catch(reload);
  }

  function element(tag, style, text) {
    var node = document.createElement(tag);
    if (style) node.style.cssText = style;
    if (text) node.textContent = text;
    return node;
  }

  function place(d) {
    var where = d.file || "";
    if (d.line) where += ":" + d.line + (d.col ? ":" + d.col : "");
    return where;
  }

  function listOf(diagnostics, color) {
    var list = element("ul", "list-style:none;margin:0;padding:0");
    diagnostics.forEach(function (d) {
      var item = element("li", "margin:0 0 .8em");
      item.appendChild(element("code", "font-weight:bold;color:" + color, place(d)));
      item.appendChild(element("div", "white-space:pre-wrap;margin-top:.2em", d.message));
      if (d.source_line) {
        var caret = d.col ? "\n" + " ".repeat(Math.max(0, d.col - 1)) + "^" : "";
        item.appendChild(element("pre", "margin:.3em 0 0;padding:.4em .6em;background:rgba(127,127,127,.15);overflow:auto;font-size:.85em", d.source_line + caret));
      }
      list.appendChild(item);
    });
    return list;
  }

  function clear(id) {
    var old = document.getElementById(id);
    if (old) old.remove();
  }

  // The failed build: in front of the page, which stays the last good version.
  function showErrors(state) {
    clear("carnet-live-errors");
    var box = element("div", "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,22,28,.82);" +
      "font:15px/1.5 system-ui,sans-serif;padding:4vh 4vw;box-sizing:border-box");
    box.id = "carnet-live-errors";
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-labelledby", "carnet-live-errors-title");
    var panel = element("div", "max-width:60em;margin:0 auto;background:#fff;color:#1d1f24;border-radius:8px;" +
      "border-top:6px solid #c62828;padding:1.2em 1.5em;box-shadow:0 10px 40px rgba(0,0,0,.4)");
    var title = element("h2", "margin:0 0 .3em;font-size:1.3em;color:#c62828", "La construction a échoué");
    title.id = "carnet-live-errors-title";
    panel.appendChild(title);
    var count = state.diagnostics.length;
    panel.appendChild(element("p", "margin:0 0 1em;color:#555",
      (count > 1 ? count + " erreurs. " : "") +
      "La page affichée est la dernière version construite. Corrigez et enregistrez : ce message disparaîtra de lui-même."));
    panel.appendChild(listOf(state.diagnostics, "#c62828"));
    var hide = element("button", "font:inherit;padding:.3em .9em;cursor:pointer", "Masquer");
    hide.type = "button";
    hide.addEventListener("click", function () { box.remove(); });
    panel.appendChild(hide);
    box.appendChild(panel);
    document.body.appendChild(box);
  }

  // Warnings of a good build (broken links in the preview): a discreet panel in a corner.
  function showWarnings(state) {
    clear("carnet-live-warnings");
    if (!state.diagnostics.length) return;
    var box = element("details", "position:fixed;right:1em;bottom:1em;z-index:2147483646;max-width:min(40em,90vw);" +
      "max-height:60vh;overflow:auto;background:#fff8e1;color:#3e2f00;border:1px solid #e0b000;border-radius:6px;" +
      "font:14px/1.45 system-ui,sans-serif;padding:.4em .8em;box-shadow:0 4px 16px rgba(0,0,0,.25)");
    box.id = "carnet-live-warnings";
    var n = state.diagnostics.length;
    box.appendChild(element("summary", "cursor:pointer;font-weight:bold",
      n + (n > 1 ? " avertissements" : " avertissement") + " de construction"));
    box.appendChild(listOf(state.diagnostics, "#8a6d00"));
    document.body.appendChild(box);
  }

  function show(state) {
    if (state.ok) {
      clear("carnet-live-errors");
      showWarnings(state);
    } else {
      showErrors(state);
    }
  }

  var seen = null;
  // The build this page comes from (the server marks each page it serves).
  var loaded = Number(root.getAttribute("data-live-build") || 0);
  var source = new EventSource("/__carnet/events");
  source.addEventListener("hello", function (e) {
    var state = JSON.parse(e.data);
    // Reload if a good build happened since this page was served: between its loading and its
    // subscription, or while the connection was lost (or the server restarted).
    var missed = seen ? seen.session !== state.session || seen.build !== state.build : loaded && loaded !== state.build;
    if (state.ok && missed) { reload(); return; }
    seen = state;
    root.setAttribute("data-live-reload", "connected");
    show(state);
  });
  source.addEventListener("reload", function () { reload(); });
  source.addEventListener("css", function (e) {
    seen = JSON.parse(e.data);
    swapStylesheets();
    show(seen);
  });
  source.addEventListener("failed", function (e) {
    seen = JSON.parse(e.data);
    show(seen);
  });
})();
