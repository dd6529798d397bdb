/* The overview's live parts: the latest transactions and today's and this month's totals, kept
   up to date from the server's event stream (/dashboard/live). Each `transaction` event is one
   row, built here with the same markup as the server's (text only: nothing is parsed as
   HTML); a `totals` event carries the new totals. The chart (#chart) and the feeds' health
   (#feeds) are fetched again from this page's own address after new transactions, and once a
   minute (a feed can fail without any transaction), and put in place. */
(function () {
  "use strict";
  var list = document.getElementById("latest");
  var status = document.getElementById("live-status");
  if (!list || !status || !window.EventSource) return;
  var max = parseInt(list.getAttribute("data-max"), 10) || 10;
  var empty = document.getElementById("latest-empty");

  function span(cls, text) {
    var s = document.createElement("span");
    s.className = cls;
    s.textContent = text;
    return s;
  }

  function item(t) {
    var dir = t.incoming ? "in" : "out";
    var li = document.createElement("li");
    li.id = "txn-" + t.id;
    li.className = dir + " new";
    var a = document.createElement("a");
    a.href = t.url;
    a.appendChild(span("desc", t.description));
    a.appendChild(span("amt " + dir, t.amount_text));
    a.appendChild(span("meta", t.time + " · " + t.account + (t.counterparty ? " · " + t.counterparty : "")));
    li.appendChild(a);
    return li;
  }

  function state(s) {
    status.setAttribute("data-state", s);
    status.textContent = status.getAttribute(s === "live" ? "data-live" : "data-reconnecting");
  }

  /* The server ends each stream after a while and the browser reconnects at once: only a
     reconnection that takes longer than a few seconds is shown. */
  var lost = null;
  var es = new EventSource(list.getAttribute("data-live-url"));
  es.addEventListener("open", function () {
    if (lost) { clearTimeout(lost); lost = null; }
    state("live");
  });
  es.addEventListener("error", function () {
    if (!lost) lost = setTimeout(function () { lost = null; state("reconnecting"); }, 4000);
  });
  es.addEventListener("transaction", function (e) {
    var t;
    try { t = JSON.parse(e.data); } catch (_) { return; }
    if (document.getElementById("txn-" + t.id)) return;
    list.insertBefore(item(t), list.firstChild);
    while (list.children.length > max) list.removeChild(list.lastChild);
    if (empty) empty.hidden = true;
    state("live");
  });
  var pending = null;
  function refresh() {
    pending = null;
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        ["chart", "feeds"].forEach(function (id) {
          var now = fresh.getElementById(id);
          var shown = document.getElementById(id);
          if (now && shown) shown.replaceWith(now);
        });
      })
      .catch(function () {});
  }
  /* A burst of transactions is one refresh. */
  function soon() {
    if (!pending) pending = setTimeout(refresh, 300);
  }
  setInterval(soon, 60000);

  es.addEventListener("totals", function (e) {
    var s;
    try { s = JSON.parse(e.data); } catch (_) { return; }
    ["today", "month"].forEach(function (key) {
      var t = s[key];
      if (!t) return;
      [["-in", t.in_text], ["-out", t.out_text], ["-in-count", t.in_count], ["-out-count", t.out_count]]
        .forEach(function (pair) {
          var el = document.getElementById(key + pair[0]);
          if (el) el.textContent = String(pair[1]);
        });
    });
    soon();
  });
})();
