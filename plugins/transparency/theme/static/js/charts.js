/* Progressive enhancement: swap each pre-rendered SVG chart for an interactive Vega view
   (tooltips on hover), and drop the keyboard stop of a chart box that does not scroll. The
   page is complete without this script. */
(function () {
  "use strict";
  function fitTabStops() {
    var boxes = document.querySelectorAll(".app-chart__graphic");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
      } else {
        box.removeAttribute("tabindex");
      }
    });
  }
  function enhance() {
    fitTabStops();
    window.addEventListener("resize", fitTabStops);
    if (typeof window.vegaEmbed !== "function") { return; }
    var figures = document.querySelectorAll("figure.app-chart");
    Array.prototype.forEach.call(figures, function (figure) {
      var script = figure.querySelector("script.app-chart__spec");
      var graphic = figure.querySelector(".app-chart__graphic");
      if (!script || !graphic) { return; }
      var spec = JSON.parse(script.textContent);
      var staticSvg = graphic.querySelector("svg");
      var holder = document.createElement("div");
      holder.className = "app-chart__interactive";
      window.vegaEmbed(holder, spec, { actions: false, renderer: "svg", tooltip: { theme: "light" } })
        .then(function () {
          var svg = holder.querySelector("svg");
          if (svg && staticSvg) {
            // As the static chart: the heading, description and table say what it shows, so
            // screen readers skip the picture (Vega would read each bar, a hidden one as 0).
            svg.setAttribute("aria-hidden", "true");
            svg.setAttribute("focusable", "false");
            staticSvg.remove();
            graphic.appendChild(holder);
            graphic.setAttribute("data-enhanced", "true");
            fitTabStops();
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
