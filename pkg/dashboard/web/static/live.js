// Live updates for Meridian's dashboard: the page's main part names, in
// data-live, a server-sent events URL that says "change" when what the page
// shows changed in a member; the page is then fetched again and its main
// part swapped in place (htmx), keeping the scroll position and the focus.
// Without JavaScript every page is complete and a reload updates it.
(function () {
  "use strict";
  var source = null, url = "", busy = false, again = false;

  function status(text) {
    var el = document.getElementById("live-status");
    if (el) { el.textContent = text; }
  }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    var focused = document.activeElement && document.activeElement.id;
    htmx.ajax("GET", window.location.pathname + window.location.search, {
      target: "#page", select: "#page", swap: "outerHTML"
    }).then(function () {
      busy = false;
      if (focused) {
        var el = document.getElementById(focused);
        if (el) { el.focus(); }
      }
      document.body.setAttribute("data-live-updated", String(Date.now()));
      if (again) { again = false; refresh(); }
    }, function () { busy = false; });
  }

  function connect() {
    var main = document.getElementById("page");
    var want = main ? main.getAttribute("data-live") || "" : "";
    if (want === url) { return; }
    if (source) { source.close(); source = null; }
    url = want;
    if (!url || !window.EventSource) { status(""); return; }
    source = new EventSource(url);
    source.onopen = function () { status("Live"); };
    source.onerror = function () { status("Reconnecting…"); };
    source.addEventListener("change", refresh);
  }

  document.addEventListener("DOMContentLoaded", connect);
  document.addEventListener("htmx:afterSettle", connect);
})();
