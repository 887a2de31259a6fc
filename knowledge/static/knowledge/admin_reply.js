// Reply tools in the admin: filter the macro list as you type, and search help articles
// to insert a link at the cursor of the reply box. Results are built with textContent.
(function () {
  "use strict";
  document.querySelectorAll("[data-kb-filter]").forEach(function (input) {
    var list = document.querySelector(input.dataset.kbFilter);
    input.addEventListener("input", function () {
      var needle = input.value.trim().toLowerCase();
      list.querySelectorAll("li").forEach(function (item) {
        item.hidden = needle !== "" && item.textContent.toLowerCase().indexOf(needle) === -1;
      });
    });
  });

  function insertAtCursor(textarea, text) {
    var start = textarea.selectionStart || 0;
    var end = textarea.selectionEnd || 0;
    var before = textarea.value.slice(0, start);
    var spacer = before && !/\s$/.test(before) ? " " : "";
    textarea.value = before + spacer + text + textarea.value.slice(end);
    textarea.focus();
    var cursor = (before + spacer + text).length;
    textarea.setSelectionRange(cursor, cursor);
  }

  // The chat console: a macro's text, rendered for this customer's ticket by the server, goes into the reply box
  // to be edited and sent. (The console loads this script again with each chat: bind each button once.)
  document.querySelectorAll("[data-kb-macro]").forEach(function (button) {
    if (button.dataset.kbBound) { return; }
    button.dataset.kbBound = "1";
    button.addEventListener("click", function () {
      var note = document.getElementById("kb-macro-note");
      fetch(button.dataset.kbMacro, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          var target = document.querySelector(button.dataset.target);
          if (data.body && target) { insertAtCursor(target, data.body); }
          if (note) { note.textContent = data.error || data.note || ""; note.hidden = !note.textContent; }
        });
    });
  });

  document.querySelectorAll("[data-kb-link-search]").forEach(function (input) {
    var results = document.getElementById("kb-article-results");
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var query = input.value.trim();
        if (query.length < 2) { results.replaceChildren(); return; }
        var url = input.dataset.kbLinkSearch + "?language=" + encodeURIComponent(input.dataset.language) + "&q=" + encodeURIComponent(query);
        fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
          .then(function (response) { return response.json(); })
          .then(function (data) {
            results.replaceChildren();
            data.results.forEach(function (hit) {
              var item = document.createElement("li");
              var button = document.createElement("button");
              button.type = "button";
              button.textContent = "+ " + hit.title + " [" + hit.language + "]";
              button.addEventListener("click", function () {
                var target = document.querySelector(input.dataset.target);
                if (target) { insertAtCursor(target, hit.title + ": " + hit.url); }
              });
              item.appendChild(button);
              results.appendChild(item);
            });
          });
      }, 250);
    });
  });
}());
