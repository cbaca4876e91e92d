// Times read relatively ("3 hours ago"), the exact time kept for the hover.
// The server writes every time as "29 Nov 2026, 14:05 UTC" into pages that
// every reader shares (and caches), so the relative reading is done here, in
// the reader's browser, from the <time>'s ISO 8601 datetime. A <time> whose
// datetime is a bare date (an article's) is left as it is.
(function () {
  "use strict";

  if (!window.Intl || !Intl.RelativeTimeFormat) return;
  var format = new Intl.RelativeTimeFormat(document.documentElement.lang || undefined, {
    numeric: "auto",
  });
  // Each unit is used while the distance is under the next one.
  var UNITS = [
    ["second", 60],
    ["minute", 60],
    ["hour", 24],
    ["day", 30],
    ["month", 12],
    ["year", Infinity],
  ];

  function relative(then, now) {
    var amount = Math.round((then - now) / 1000);
    for (var i = 0; i < UNITS.length; i++) {
      if (Math.abs(amount) < UNITS[i][1] || i === UNITS.length - 1) {
        // A clock a little ahead of the server's must not read "in 5 seconds".
        if (UNITS[i][0] === "second") return format.format(0, "second");
        return format.format(amount, UNITS[i][0]);
      }
      amount = Math.round(amount / UNITS[i][1]);
    }
  }

  function readRelatively() {
    var now = Date.now();
    document.querySelectorAll("time[datetime*='T']").forEach(function (time) {
      var then = Date.parse(time.getAttribute("datetime"));
      if (isNaN(then)) return;
      if (!time.title) time.title = time.textContent;
      time.textContent = relative(then, now);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    readRelatively();
    setInterval(readRelatively, 60000);
  });
})();
