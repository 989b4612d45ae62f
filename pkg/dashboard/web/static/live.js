// Live updates for Meridian's dashboard: the page's main part names, in
// data-live, a server-sent events URL that says "change" when what the page
// shows changed in a member; the page is then fetched again and its main
// part swapped in place (htmx), keeping the scroll position and the focus.
// Without JavaScript every page is complete and a reload updates it.
(function () {
  "use strict";
  var source = null, url = "", busy = false, again = false, failed = "";

  function status(text) {
    var el = document.getElementById("live-status");
    if (el) { el.textContent = text; }
  }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    failed = "";
    var focused = document.activeElement && document.activeElement.id;
    htmx.ajax("GET", window.location.pathname + window.location.search, {
      target: "#page", select: "#page", swap: "outerHTML"
    }).then(function () {
      busy = false;
      status(failed || (source ? "Live" : ""));
      if (focused) {
        var el = document.getElementById(focused);
        if (el) { el.focus(); }
      }
      document.body.setAttribute("data-live-updated", String(Date.now()));
      if (again) { again = false; refresh(); }
    }, function () { busy = false; });
  }

  // What a stream watches, without the positions it starts from: a page
  // swapped in by an update carries newer positions of the same things,
  // and the stream open already follows them.
  function watched(u) {
    return u.split(/[?&]/).filter(function (p) { return p.indexOf("rv=") !== 0; }).join("&");
  }

  function connect() {
    var main = document.getElementById("page");
    var want = main ? main.getAttribute("data-live") || "" : "";
    if (watched(want) === watched(url)) { return; }
    if (source) { source.close(); source = null; }
    url = want;
    if (!url || !window.EventSource) { status(""); return; }
    source = new EventSource(url);
    source.onopen = function () { status("Live"); };
    source.onerror = function () { status("Reconnecting…"); };
    source.addEventListener("change", refresh);
  }

  // An error page (a deleted object's 404, the API down) is swapped in as
  // any page is (responseHandling in the page's htmx-config); say so.
  document.addEventListener("htmx:responseError", function () { failed = "Not up to date: the last update failed"; status(failed); });
  document.addEventListener("htmx:sendError", function () { failed = "Not up to date: the dashboard did not answer"; status(failed); });
  document.addEventListener("DOMContentLoaded", connect);
  document.addEventListener("htmx:afterSettle", connect);
})();
