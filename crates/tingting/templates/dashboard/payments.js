// The payment request page: its status badge (#status) follows the request while the page is
// open, from the checkout page's event stream (data-events). The labels of each status are
// the badge's data-text-<status> attributes. Without this script the page shows the status
// it was rendered with.
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
