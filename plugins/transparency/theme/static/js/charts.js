/* Progressive enhancement: swap each pre-rendered SVG chart for an interactive Vega view
   (tooltips on hover and focus). The page is complete without this script. */
(function () {
  "use strict";
  function enhance() {
    if (typeof window.vegaEmbed !== "function") { return; }
    var figures = document.querySelectorAll("figure.app-chart");
    Array.prototype.forEach.call(figures, function (figure) {
      var script = figure.querySelector("script.app-chart__spec");
      var graphic = figure.querySelector(".app-chart__graphic");
      if (!script || !graphic) { return; }
      var spec = JSON.parse(script.textContent);
      var staticSvg = graphic.querySelector("svg");
      var title = staticSvg && staticSvg.querySelector("title");
      var desc = staticSvg && staticSvg.querySelector("desc");
      var holder = document.createElement("div");
      holder.className = "app-chart__interactive";
      window.vegaEmbed(holder, spec, { actions: false, renderer: "svg", tooltip: { theme: "light" } })
        .then(function () {
          var svg = holder.querySelector("svg");
          if (svg && title && desc) {
            svg.setAttribute("role", "img");
            svg.setAttribute("aria-labelledby", title.id + " " + desc.id);
            svg.insertBefore(desc.cloneNode(true), svg.firstChild);
            svg.insertBefore(title.cloneNode(true), svg.firstChild);
            staticSvg.remove();
            graphic.appendChild(holder);
            graphic.setAttribute("data-enhanced", "true");
          }
        })
        .catch(function () { /* keep the static SVG */ });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
}());
