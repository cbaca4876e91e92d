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

  // Edit in place: fetch the edit page's form, put it where the comment's words
  // are, and send it with fetch; the server answers JSON with the new words, or
  // the page again with its errors, which are shown while the text stays.
  function bodyOf(article) {
    var nodes = [];
    for (var el = article.querySelector("header").nextElementSibling; el; el = el.nextElementSibling) {
      if (el.tagName === "FOOTER" || el.tagName === "FORM") break;
      nodes.push(el);
    }
    return nodes;
  }

  function showErrors(form, messages) {
    var box = form.querySelector(".form-errors");
    if (!box) {
      box = document.createElement("div");
      box.className = "form-errors";
      box.setAttribute("role", "alert");
      box.tabIndex = -1;
      form.prepend(box);
    }
    box.replaceChildren();
    messages.forEach(function (text) {
      var p = document.createElement("p");
      p.textContent = text;
      box.appendChild(p);
    });
    box.focus();
  }

  function errorsIn(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var found = page.querySelectorAll(".form-errors p, .errorlist li");
    return Array.prototype.map.call(found, function (el) { return el.textContent.trim(); });
  }

  function finishEdit(article, form, body, data) {
    body.forEach(function (el) { el.remove(); });
    var words = document.createElement("div");
    words.innerHTML = data.body_html;
    form.replaceWith.apply(form, Array.prototype.slice.call(words.childNodes));
    var header = article.querySelector("header");
    if (!header.querySelector(".edited")) {
      var mark = document.createElement("small");
      mark.className = "edited";
      mark.textContent = "edited";
      header.querySelector("time").parentNode.after(" ", mark);
    }
    var note = document.createElement("p");
    note.className = "edit-note";
    note.setAttribute("role", "status");
    note.textContent = data.message;
    article.insertBefore(note, article.querySelector("footer"));
  }

  function sendEdit(event) {
    event.preventDefault();
    var form = event.target;
    var article = form.closest("article");
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (response.ok && json) {
        return response.json().then(function (data) { finishEdit(article, form, form.hiddenBody, data); });
      }
      return response.text().then(function (html) {
        var messages = errorsIn(html);
        showErrors(form, messages.length ? messages : ["Your edit could not be saved."]);
      });
    }).catch(function () {
      showErrors(form, ["Your edit could not be sent. Check your connection; your text is kept."]);
    }).finally(function () { button.disabled = false; });
  }

  function openInlineEdit(link) {
    var article = link.closest("article");
    if (!article || !window.fetch) return false;
    var open = article.querySelector("form.edit-in-place");
    if (open) { open.querySelector("textarea").focus(); return true; }
    fetch(link.href, { credentials: "same-origin" }).then(function (response) {
      return response.text().then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var form = page.getElementById("edit-form");
        // Past the window, or gone: the edit page says why.
        if (!response.ok || !form) { window.location.assign(link.href); return; }
        form = document.importNode(form, true);
        form.removeAttribute("id");
        form.classList.add("edit-in-place");
        form.querySelectorAll("[id]").forEach(function (el) {
          var label = form.querySelector('label[for="' + el.id + '"]');
          el.id = el.id + "-e" + article.parentNode.id;
          if (label) label.htmlFor = el.id;
        });
        var body = bodyOf(article);
        body.forEach(function (el) { el.hidden = true; });
        form.hiddenBody = body;
        var cancel = document.createElement("button");
        cancel.type = "button";
        cancel.className = "cancel";
        cancel.textContent = "Cancel";
        cancel.addEventListener("click", function () {
          body.forEach(function (el) { el.hidden = false; });
          form.remove();
          link.focus();
        });
        form.querySelector("button[type=submit]").after(" ", cancel);
        form.addEventListener("submit", sendEdit);
        var footer = article.querySelector("footer");
        article.insertBefore(form, footer);
        form.querySelector("textarea").focus();
      });
    }).catch(function () { window.location.assign(link.href); });
    return true;
  }

  document.addEventListener("click", function (event) {
    if (event.metaKey || event.ctrlKey || event.shiftKey) return;
    var link = event.target.closest("a.reply");
    if (link && openInlineReply(link)) {
      event.preventDefault();
      return;
    }
    var edit = event.target.closest("a.edit");
    if (edit && openInlineEdit(edit)) event.preventDefault();
  });

  // Respect without a reload: send the page's respect form to the button's
  // address and show the answer. A guest is sent to sign in, as without script;
  // anything unexpected falls back to the plain form post.
  function say(button, text) {
    var note = button.parentNode.querySelector(".respect-note");
    if (!note) {
      note = document.createElement("span");
      note.className = "respect-note";
      note.setAttribute("role", "status");
      button.after(" ", note);
    }
    note.textContent = text;
  }

  function respect(button, form) {
    button.setAttribute("aria-busy", "true");
    fetch(button.formAction, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (answer) {
      button.removeAttribute("aria-busy");
      if (answer.data.login) { location.assign(answer.data.login); return; }
      if (!answer.ok) { say(button, answer.data.error); return; }
      button.setAttribute("aria-pressed", answer.data.respected ? "true" : "false");
      var count = button.querySelector("span");
      if (!count) {
        count = document.createElement("span");
        button.append(" ", count);
      }
      count.textContent = answer.data.count || "";
      say(button, "");
    }).catch(function () {
      button.removeAttribute("aria-busy");
      form.requestSubmit(button);
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest('button[form="respect"]');
    var form = document.getElementById("respect");
    if (!button || !form || !window.fetch) return;
    event.preventDefault();
    // A second click while the first is on its way would only take it back.
    if (!button.hasAttribute("aria-busy")) respect(button, form);
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
