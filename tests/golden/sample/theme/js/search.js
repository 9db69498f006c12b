/* Pagefind's own interface, served from this site: static search with no server. */
(function () {
  "use strict";
  function start() {
    if (typeof window.PagefindUI !== "function") { return; }
    new window.PagefindUI({ element: "#search", showSubResults: true, showImages: false,
                            resetStyles: false });
    var params = new URLSearchParams(window.location.search);
    var input = document.querySelector("#search input");
    if (input) {
      input.setAttribute("aria-label", "Search the reports");
      if (params.get("q")) {
        input.value = params.get("q");
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
}());
