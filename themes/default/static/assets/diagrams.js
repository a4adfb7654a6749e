/* carnet — draws the diagrams of a page (```mermaid blocks) with the mermaid library bundled in
   the theme (assets/mermaid/, mermaid 12.3.0, MIT), which only pages with a diagram load, before
   this script. Each block's source stays below its drawing, in "Source du diagramme", with its
   copy button; a block mermaid cannot read keeps its source open and says why. The drawings
   follow the light/dark theme: they are drawn again when it changes. */
(function () {
  "use strict";
  var mermaid = window.mermaid, doc = document, de = doc.documentElement;
  var blocks = Array.prototype.slice.call(doc.querySelectorAll('.diagram[data-diagram="mermaid"]'));
  if (!mermaid || !blocks.length) return;
  var system = window.matchMedia ? matchMedia("(prefers-color-scheme: dark)") : null;
  function theme() {
    var t = de.getAttribute("data-theme");
    return (t ? t === "dark" : !!(system && system.matches)) ? "dark" : "default";
  }
  var drawn = null, round = 0;
  function draw() {
    var wanted = theme();
    if (wanted === drawn) return;
    drawn = wanted;
    round += 1;
    mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: wanted });
    blocks.forEach(function (block, n) {
      var code = block.querySelector("pre code"), source = block.querySelector(".diagram-source");
      if (!code) return;
      var out = block.querySelector(".diagram-render");
      if (!out) {
        out = doc.createElement("div");
        out.className = "diagram-render";
        block.insertBefore(out, block.firstChild);
      }
      var id = "diagramme-" + (n + 1) + "-" + round, mine = round;
      mermaid.render(id, code.textContent).then(function (result) {
        if (mine !== round) return;
        out.className = "diagram-render";
        out.innerHTML = result.svg;
        block.setAttribute("data-drawn", wanted);
        if (source && !block.hasAttribute("data-shown")) source.open = false;
        block.setAttribute("data-shown", "");
      }, function (err) {
        if (mine !== round) return;
        out.className = "diagram-render diagram-error";
        out.textContent = "Ce diagramme n’a pas pu être dessiné : " + ((err && err.message) || err);
        block.setAttribute("data-drawn", "error");
      });
    });
  }
  draw();
  if (window.MutationObserver) {
    new MutationObserver(draw).observe(de, { attributes: true, attributeFilter: ["data-theme"] });
  }
  if (system && system.addEventListener) system.addEventListener("change", draw);
})();
