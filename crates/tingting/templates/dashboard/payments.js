// The payment request page: its status badge (#status) follows the request while the page is
// open, from the checkout page's event stream (data-events). The labels of each status are
// the badge's data-text-<status> attributes. On each change the page's details (#details),
// matched transfers (#links) and QR code (#qr-card, only while the request can be paid) are
// fetched again from this page's own address and put in place. Without this script the page shows the status it was rendered with.
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
  // The details and the matched transfers as the server renders them now.
  var refresh = function () {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (r) {
        return r.ok ? r.text() : null;
      })
      .then(function (html) {
        if (!html) {
          return;
        }
        var fresh = new DOMParser().parseFromString(html, "text/html");
        ["details", "links", "qr-card"].forEach(function (id) {
          var now = fresh.getElementById(id);
          var shown = document.getElementById(id);
          if (now && shown) {
            shown.replaceWith(now);
          } else if (shown) {
            // Gone from the page (the QR code of a request that can no longer be paid).
            shown.remove();
          }
        });
      })
      .catch(function () {});
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
