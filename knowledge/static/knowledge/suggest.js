// Deflection for the portal's new-request form: while the customer types a subject into
// <input data-kb-suggest="/portal/help/suggest">, show matching help articles. The text is
// POSTed (never put in a URL); opening an article goes through ?from=suggest&d=<token>,
// which the article page records as a deflection.
(function () {
  "use strict";
  document.querySelectorAll("input[data-kb-suggest]").forEach(function (input) {
    var box = document.createElement("div");
    box.className = "kb-suggest";
    box.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", box);
    var timer = null;
    var last = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var query = input.value.trim();
        if (query === last) { return; }
        last = query;
        if (query.length < 2) { box.replaceChildren(); return; }
        var csrf = input.form ? input.form.querySelector("input[name=csrfmiddlewaretoken]") : null;
        var body = new URLSearchParams({ q: query });
        fetch(input.dataset.kbSuggest, {
          method: "POST",
          body: body,
          credentials: "same-origin",
          headers: { "Accept": "application/json", "X-CSRFToken": csrf ? csrf.value : "" }
        })
          .then(function (response) { return response.json(); })
          .then(function (data) {
            box.replaceChildren();
            if (!data.results.length) { return; }
            var title = document.createElement("p");
            title.textContent = input.dataset.kbSuggestTitle || "";
            var list = document.createElement("ul");
            data.results.forEach(function (card) {
              var item = document.createElement("li");
              var a = document.createElement("a");
              a.href = card.suggest_url;
              a.target = "_blank";
              a.rel = "noopener";
              a.textContent = card.title;
              item.appendChild(a);
              list.appendChild(item);
            });
            box.append(title, list);
          });
      }, 250);
    });
  });
}());
