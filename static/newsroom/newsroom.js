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
  });

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
