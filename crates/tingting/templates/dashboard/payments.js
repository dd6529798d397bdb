// The payment request page: its status badge (#status) follows the request while the page is
// open, from the checkout page's event stream (data-events). The labels of each status are
// the badge's data-text-<status> attributes. On each change the page's details (#details),
// matched transfers (#links) and QR code (#qr-card, only while the request can be paid) are
// fetched again from this page's own address and put in place.
// The list of requests: while it shows a request that can still change (pending or
// underpaid), the count (#total, #pages) and the list (#list) are fetched again from the
// page's own address every few seconds while the tab is visible, and put in place (the
// filter form is left alone), so that statuses and new requests show without a reload.
// Without this script the pages show what they were rendered with.

// Fetches this page again from its own address and puts the elements of `ids` in place of
// the shown ones (an element gone from the fresh page is removed); a failed or redirected
// fetch leaves the page as it is. The promise settles when that is done.
function replaceFromServer(ids) {
  "use strict";
  return fetch(window.location.href, { credentials: "same-origin" })
    .then(function (r) {
      // A redirect is the login page (the session ended): nothing to take from it.
      return r.ok && !r.redirected ? r.text() : null;
    })
    .then(function (html) {
      if (!html) {
        return;
      }
      var fresh = new DOMParser().parseFromString(html, "text/html");
      ids.forEach(function (id) {
        var now = fresh.getElementById(id);
        var shown = document.getElementById(id);
        if (now && shown) {
          shown.replaceWith(now);
        } else if (shown) {
          shown.remove();
        }
      });
    })
    .catch(function () {});
}

(function () {
  "use strict";
  var badge = document.getElementById("status");
  if (!badge || !badge.dataset.events || !window.EventSource) {
    return;
  }
  var open = function (status) {
    return status === "pending" || status === "underpaid";
  };
  if (!open(badge.getAttribute("data-status"))) {
    // Paid, expired or cancelled: nothing will change.
    return;
  }
  // The details and the matched transfers as the server renders them now; the QR code goes
  // away with a request that can no longer be paid.
  var refresh = function () {
    replaceFromServer(["details", "links", "qr-card"]);
  };
  var source = new EventSource(badge.dataset.events);
  source.addEventListener("status", function (e) {
    var s;
    try {
      s = JSON.parse(e.data);
    } catch (err) {
      return;
    }
    var label = badge.getAttribute("data-text-" + s.status);
    badge.setAttribute("data-status", s.status);
    if (label) {
      badge.textContent = label;
    }
    var paid = document.getElementById("paid-amount");
    if (paid && s.paidAmountText) {
      paid.textContent = s.paidAmountText;
    }
    refresh();
    if (!open(s.status)) {
      var cancel = document.getElementById("cancel-form");
      if (cancel) {
        cancel.hidden = true;
      }
      // Nothing more will change.
      source.close();
    }
  });
})();

(function () {
  "use strict";
  var EVERY = 4000;
  if (!document.getElementById("list") || !window.fetch || !window.DOMParser) {
    return;
  }
  // Whether the list shows a request whose status can still change.
  var changing = function () {
    return document.querySelector(
      '#rows li[data-status="pending"], #rows li[data-status="underpaid"]'
    ) !== null;
  };
  var timer = null;
  var schedule = function () {
    timer = changing() ? setTimeout(refresh, EVERY) : null;
  };
  var refresh = function () {
    if (document.visibilityState === "hidden") {
      // Looked at again when the tab is shown.
      timer = null;
      return;
    }
    replaceFromServer(["total", "pages", "list"]).then(schedule);
  };
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && timer === null) {
      schedule();
    }
  });
  schedule();
})();
