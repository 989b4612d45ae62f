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

  // typing is true while the text filter holds what was not sent yet: an
  // update then would throw the keystrokes away, so it waits.
  function typing() {
    var el = document.activeElement;
    if (!el || el.id !== "filter-text") { return false; }
    return el.value !== (new URLSearchParams(window.location.search).get("q") || "");
  }

  function done() {
    busy = false;
    if (again) { again = false; refresh(); }
  }

  function refresh() {
    if (busy) { again = true; return; }
    if (typing()) { setTimeout(refresh, 1000); return; }
    busy = true;
    failed = "";
    var focused = document.activeElement && document.activeElement.id;
    htmx.ajax("GET", window.location.pathname + window.location.search, {
      target: "#page", select: "#page", swap: "outerHTML"
    }).then(function () {
      status(failed || (source ? "Live" : ""));
      if (focused) {
        var el = document.getElementById(focused);
        if (el) { el.focus(); }
      }
      document.body.setAttribute("data-live-updated", String(Date.now()));
      done();
    }, done);
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
    // An error page (the API down for a moment) has no stream of its own:
    // the one open goes on, and the next change brings the page back.
    if (!want && failed) { return; }
    if (watched(want) === watched(url)) { return; }
    if (source) { source.close(); source = null; }
    url = want;
    if (!url || !window.EventSource) { status(""); return; }
    source = new EventSource(url);
    source.onopen = function () { status(failed || "Live"); };
    source.onerror = function () { status("Reconnecting…"); };
    source.addEventListener("change", refresh);
  }

  // An error page (a deleted object's 404, the API down) is swapped in as
  // any page is (responseHandling in the page's htmx-config), and said; an
  // answer that is not a page (no #page in it) is not swapped at all.
  document.addEventListener("htmx:beforeSwap", function (e) {
    var text = e.detail.xhr && e.detail.xhr.responseText;
    if (typeof text === "string" && text.indexOf('id="page"') < 0) {
      e.detail.shouldSwap = false;
      failed = "Not up to date: the dashboard answered " + e.detail.xhr.status;
      status(failed);
    }
  });
  document.addEventListener("htmx:responseError", function () { failed = "Not up to date: the last update failed"; status(failed); });
  document.addEventListener("htmx:sendError", function () { failed = "Not up to date: the dashboard did not answer"; status(failed); });
  document.addEventListener("DOMContentLoaded", connect);
  document.addEventListener("htmx:afterSettle", connect);
})();
