// The moderators' queue, faster: row buttons act without a page load, and the
// keyboard moves between rows (j/k) and acts on the current one (a/r/s).
// Progressive enhancement only: without this file the buttons post their form
// and the server redirects back to the same list.
// The admin loads it in <head>, before the list exists.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";

  var KEYS = { a: "approve", r: "remove", s: "spam" };
  var form = document.getElementById("row-moderate");
  if (!form) return;
  var rows = Array.prototype.slice.call(document.querySelectorAll("#result_list tbody tr"));
  var current = -1;

  function select(index) {
    if (!rows.length) return;
    index = Math.max(0, Math.min(rows.length - 1, index));
    if (current >= 0) rows[current].classList.remove("desk-current");
    current = index;
    rows[current].classList.add("desk-current");
    rows[current].scrollIntoView({ block: "nearest" });
  }

  function say(row, text, done) {
    var cell = row.querySelector("td.field-decide");
    var note = document.createElement("span");
    note.className = "desk-note";
    note.setAttribute("role", "status");
    note.textContent = text;
    if (done) {
      cell.textContent = "";
      row.classList.add("desk-done");
    }
    cell.appendChild(note);
  }

  function act(button) {
    var row = button.closest("tr");
    var data = new FormData(form);
    data.append("action", button.value);
    row.querySelectorAll("button[data-desk-action]").forEach(function (b) { b.disabled = true; });
    return fetch(button.formAction, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (result) {
        say(row, result.message, result.changed);
        if (!result.changed) {
          row.querySelectorAll("button[data-desk-action]").forEach(function (b) { b.disabled = false; });
        }
      })
      .catch(function () {
        // Let the browser post the form itself: the server redirects back here.
        form.removeEventListener("submit", intercept);
        document.removeEventListener("click", onClick);
        form.requestSubmit(button);
      });
  }

  function intercept(event) { event.preventDefault(); }

  function onClick(event) {
    var button = event.target.closest("button[data-desk-action]");
    if (!button) return;
    event.preventDefault();
    select(rows.indexOf(button.closest("tr")));
    act(button);
  }

  document.addEventListener("click", onClick);
  form.addEventListener("submit", intercept);

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === "j") { select(current + 1); event.preventDefault(); return; }
    if (event.key === "k") { select(current - 1); event.preventDefault(); return; }
    var action = KEYS[event.key];
    if (!action || current < 0) return;
    var button = rows[current].querySelector('button[data-desk-action="' + action + '"]');
    event.preventDefault();
    if (!button || button.disabled) return;
    act(button).then(function () { select(current + 1); });
  });
});
