// Progressive enhancement only: every link and form works without this file.
(function () {
  "use strict";

  // Reply inline: copy the page's comment form under the comment, posting to
  // the same reply URL the link leads to.
  function openInlineReply(link) {
    var template = document.getElementById("comment-form");
    var article = link.closest("article");
    if (!template || !article) return false;
    var existing = article.querySelector(".comment-form");
    if (existing) { existing.querySelector("textarea").focus(); return true; }
    var form = template.cloneNode(true);
    form.removeAttribute("id");
    form.action = link.getAttribute("href");
    form.querySelectorAll(".errorlist, .form-errors").forEach(function (el) { el.remove(); });
    form.querySelectorAll("[id]").forEach(function (el) {
      var label = form.querySelector('label[for="' + el.id + '"]');
      el.id = el.id + "-r" + article.parentNode.id;
      if (label) label.htmlFor = el.id;
    });
    var body = form.querySelector("textarea");
    body.value = "";
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "cancel";
    cancel.textContent = "Cancel";
    cancel.addEventListener("click", function () { form.remove(); link.focus(); });
    form.querySelector("button[type=submit]").textContent = "Post reply";
    form.querySelector("button[type=submit]").after(" ", cancel);
    article.appendChild(form);
    body.focus();
    return true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.reply");
    if (link && !event.metaKey && !event.ctrlKey && !event.shiftKey && openInlineReply(link)) {
      event.preventDefault();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    // After a failed post, move focus to the first error so it is read out.
    var error = document.querySelector(".form-errors, .has-error input, .has-error textarea");
    if (error) error.focus();
    markNewComments();
  });

  // New since the reader's last visit, from this browser's memory of each article
  // (the page itself is the one every reader shares). A visit lasts while the
  // reader keeps coming back within VISIT_GAP, so its marks stay on page 2 and
  // after a reply; the first visit marks nothing.
  var VISIT_GAP = 30 * 60 * 1000;

  function lastVisit(article) {
    var key = "newsroom:visit:" + article;
    var now = Date.now();
    try {
      var visit = JSON.parse(localStorage.getItem(key)) || {};
      if (!visit.seen || now - visit.seen > VISIT_GAP) visit.since = visit.seen || null;
      visit.seen = now;
      localStorage.setItem(key, JSON.stringify(visit));
      return visit.since;
    } catch (error) {
      return null;
    }
  }

  function showComment(item) {
    for (var folded = item.parentNode.closest("details"); folded;
         folded = folded.parentNode.closest("details")) {
      folded.open = true;
    }
    var article = item.querySelector("article");
    article.tabIndex = -1;
    article.focus();
  }

  function markNewComments() {
    var discussion = document.querySelector(".discussion[data-article]");
    var thread = discussion && discussion.querySelector("ol.thread");
    if (!thread) return;
    var since = lastVisit(discussion.dataset.article);
    if (!since) return;
    var fresh = [];
    thread.querySelectorAll("li.c > article > header time[datetime]").forEach(function (time) {
      if (Date.parse(time.getAttribute("datetime")) > since) fresh.push(time.closest("li.c"));
    });
    if (!fresh.length) return;
    // The control and each mark go to the next new comment; after a jump, the
    // focused comment's mark is a Tab away.
    var at = -1;
    function goTo(i) {
      at = i % fresh.length;
      showComment(fresh[at]);
    }
    fresh.forEach(function (item, i) {
      var mark = document.createElement("button");
      mark.type = "button";
      mark.className = "new-mark";
      mark.textContent = "new";
      mark.setAttribute("aria-label", fresh.length > 1 ? "new: go to the next new comment" : "new");
      mark.addEventListener("click", function () { goTo(i + 1); });
      item.classList.add("new");
      item.querySelector("article > header").appendChild(mark);
    });
    var jump = document.createElement("button");
    jump.type = "button";
    jump.className = "new-comments";
    jump.textContent = fresh.length + (fresh.length === 1 ? " new comment" : " new comments");
    jump.addEventListener("click", function () { goTo(at + 1); });
    thread.before(jump);
  }

  // After a post (or on a permalink), focus the comment the address points at,
  // so it is read out and Tab continues from it. This waits for "load": Chrome
  // blurs the page when it scrolls to a fragment that is not focusable itself.
  window.addEventListener("load", function () {
    var target = /^#c\d+$/.test(location.hash) && document.getElementById(location.hash.slice(1));
    var article = target && target.querySelector("article");
    if (article) {
      article.tabIndex = -1;
      article.focus();
    }
  });
})();
