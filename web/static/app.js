// Warden's only script of its own: htmx shows the server's errors.
//
// htmx leaves a 4xx or 5xx answer unswapped, so a refused form looked as
// if nothing had happened. The server answers a refused page request with
// the page again, the error in the part the form swaps (#results, main),
// so an HTML error answer is swapped like any other. An answer that is not
// HTML (problem+json from a proxy or a panic), and a request that never
// reached the server, are written into the page's error area instead.
(function () {
  "use strict";
  function errorArea() {
    var area = document.getElementById("htmx-error");
    if (!area) {
      area = document.createElement("div");
      area.id = "htmx-error";
      area.className = "flash error";
      area.setAttribute("role", "alert");
      var main = document.getElementById("main") || document.body;
      main.insertBefore(area, main.firstChild);
    }
    return area;
  }
  function show(msg) {
    var area = errorArea();
    area.textContent = msg;
    area.hidden = false;
  }
  function clear() {
    var area = document.getElementById("htmx-error");
    if (area) {
      area.hidden = true;
      area.textContent = "";
    }
  }
  document.addEventListener("htmx:beforeSwap", function (e) {
    var d = e.detail, x = d.xhr;
    if (!x || x.status < 400) {
      clear();
      return;
    }
    var type = x.getResponseHeader("Content-Type") || "";
    var msg = x.status + " " + (x.statusText || "error");
    if (type.indexOf("text/html") === 0) {
      // The page again with its error where the form swaps: swapped. An
      // error page without that part (403, 404): its message shown.
      var doc = new DOMParser().parseFromString(x.responseText, "text/html");
      var from = d.requestConfig && d.requestConfig.elt ? d.requestConfig.elt.closest("[hx-select]") : null;
      var sel = from ? from.getAttribute("hx-select") : null;
      if (!sel || doc.querySelector(sel)) {
        d.shouldSwap = true;
        d.isError = false;
        clear();
        return;
      }
      d.shouldSwap = false;
      var flash = doc.querySelector(".flash.error");
      var title = doc.querySelector("h1");
      show((title ? title.textContent + ": " : "") + (flash ? flash.textContent : msg));
      return;
    }
    d.shouldSwap = false;
    try {
      var p = JSON.parse(x.responseText);
      if (p && p.detail) {
        msg = p.title ? p.title + ": " + p.detail : p.detail;
      }
    } catch (ignored) {}
    show(msg);
  });
  document.addEventListener("htmx:sendError", function () {
    show("The server could not be reached; nothing was changed. Try again.");
  });
  document.addEventListener("htmx:timeout", function () {
    show("The server did not answer in time. Try again.");
  });
})();
