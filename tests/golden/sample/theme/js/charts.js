/* Progressive enhancement for the pre-rendered SVG charts, which are complete without it:
   a chart box is a keyboard stop only where it scrolls, and a mark's hover title (which
   browsers show only to a mouse) is also shown when it is touched. */
(function () {
  "use strict";
  function fitTabStops() {
    var boxes = document.querySelectorAll(".app-chart__graphic");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.offsetParent !== null && box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
      } else {
        box.removeAttribute("tabindex");
      }
    });
  }
  function showTitles() {
    var tip = document.createElement("div");
    tip.className = "app-chart__tip";
    tip.setAttribute("aria-hidden", "true");
    tip.hidden = true;
    document.body.appendChild(tip);
    document.addEventListener("click", function (event) {
      var mark = event.target.closest && event.target.closest(".app-chart__graphic svg *");
      var title = mark && mark.querySelector(":scope > title");
      if (!title) { tip.hidden = true; return; }
      tip.textContent = title.textContent;
      tip.hidden = false;
      // Kept on the screen, so it never widens the page.
      var left = Math.min(event.pageX + 8,
                          window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8);
      tip.style.left = Math.max(window.scrollX + 8, left) + "px";
      tip.style.top = (event.pageY - tip.offsetHeight - 8) + "px";
    });
  }
  function enhance() {
    fitTabStops();
    window.addEventListener("resize", fitTabStops);
    showTitles();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
}());
