// Reply box: typing "@" and a few letters offers staff to mention (notified when the internal note is saved).
(function () {
  "use strict";
  var box = document.getElementById("sd-presence");
  var reply = document.getElementById("id_reply_body");
  if (!box || !reply || !window.fetch) { return; }
  var list = document.createElement("ul");
  list.className = "sd-mention-list";
  list.hidden = true;
  reply.parentNode.insertBefore(list, reply.nextSibling);

  function currentTerm() {
    var before = reply.value.slice(0, reply.selectionStart);
    var match = /(^|\s)@([\w.+-]*)$/.exec(before);
    return match ? match[2] : null;
  }

  function choose(username) {
    var start = reply.selectionStart;
    var before = reply.value.slice(0, start).replace(/@[\w.+-]*$/, "@" + username + " ");
    reply.value = before + reply.value.slice(start);
    reply.selectionStart = reply.selectionEnd = before.length;
    list.hidden = true;
    reply.focus();
  }

  reply.addEventListener("input", function () {
    var term = currentTerm();
    if (term === null) { list.hidden = true; return; }
    fetch(box.dataset.mentions + "?term=" + encodeURIComponent(term), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        list.textContent = "";
        data.results.forEach(function (person) {
          var item = document.createElement("li");
          var button = document.createElement("button");
          button.type = "button";
          button.textContent = "@" + person.username + (person.name ? " — " + person.name : "");
          button.addEventListener("click", function () { choose(person.username); });
          item.appendChild(button);
          list.appendChild(item);
        });
        list.hidden = data.results.length === 0;
      });
  });
})();
