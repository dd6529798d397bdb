// The webhook page's delivery log follows its pending deliveries: while one is pending, the
// page is fetched again every two seconds and its log swapped in. Without this script,
// reloading the page shows the same.
(function () {
  "use strict";
  function pending() {
    var log = document.getElementById("deliveries");
    return log !== null && log.hasAttribute("data-pending");
  }
  function refresh() {
    if (!pending()) {
      return;
    }
    fetch(location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        return r.ok ? r.text() : Promise.reject(r.status);
      })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html").getElementById("deliveries");
        var log = document.getElementById("deliveries");
        if (next !== null && log !== null) {
          log.replaceWith(next);
        }
      })
      .catch(function () {})
      .then(function () {
        setTimeout(refresh, 2000);
      });
  }
  setTimeout(refresh, 1000);
})();
