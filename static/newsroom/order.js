// The reader's sort order for discussions, remembered in this browser alone, so the
// page every reader shares stays one page per order. Loaded in the <head> without
// `defer`: a page opened without ?sort= moves to the remembered order before its
// threads are drawn in another. Every link carries its order, so without this
// file (or without storage) nothing changes but the remembering.
(function () {
  "use strict";
  var KEY = "newsroom:sort";
  // The site's orders, the default first (the template lists them).
  var orders = (document.currentScript.dataset.orders || "").split(" ");
  var url = new URL(location.href);
  var asked = url.searchParams.get("sort");
  try {
    if (asked !== null) {
      // A value the site does not know reads as the default there, so it is forgotten too.
      if (orders.indexOf(asked) > 0) localStorage.setItem(KEY, asked);
      else localStorage.removeItem(KEY);
      return;
    }
    var remembered = localStorage.getItem(KEY);
    if (remembered && orders.indexOf(remembered) > 0) {
      url.searchParams.set("sort", remembered);
      // Blank until the page in the remembered order replaces this one.
      document.documentElement.classList.add("resorting");
      location.replace(url.href);
    }
  } catch (error) {
    // Storage refused (private browsing, a policy): the page's own order stands.
  }
})();
