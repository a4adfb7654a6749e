/* carnet — draws the diagrams of a page (```mermaid blocks) with the mermaid library bundled in
   the theme (assets/mermaid/, mermaid 12.3.0, MIT), which only pages with a diagram load, before
   this script. Each block's source stays below its drawing, in "Source du diagramme", with its
   copy button; a block mermaid cannot read keeps its source open and says why. */
(function () {
  "use strict";
  var mermaid = window.mermaid, doc = document, de = doc.documentElement;
  var blocks = doc.querySelectorAll('.diagram[data-diagram="mermaid"]');
  if (!mermaid || !blocks.length) return;
  function isDark() {
    var t = de.getAttribute("data-theme");
    return t ? t === "dark" : !!(window.matchMedia && matchMedia("(prefers-color-scheme: dark)").matches);
  }
  mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: isDark() ? "dark" : "default" });
  Array.prototype.forEach.call(blocks, function (block, n) {
    var code = block.querySelector("pre code"), source = block.querySelector(".diagram-source");
    if (!code) return;
    var out = doc.createElement("div");
    out.className = "diagram-render";
    block.insertBefore(out, block.firstChild);
    mermaid.render("diagramme-" + (n + 1), code.textContent).then(function (drawn) {
      out.innerHTML = drawn.svg;
      if (source) source.open = false;
    }, function (err) {
      out.className += " diagram-error";
      out.textContent = "Ce diagramme n’a pas pu être dessiné : " + ((err && err.message) || err);
    });
  });
})();
