// FAQ bot widget: posts questions with fetch (the forms also work without JavaScript)
// and builds every message with textContent, so nothing from the server is parsed as HTML.
(function () {
  "use strict";
  var chat = document.getElementById("kb-chat");
  if (!chat) { return; }
  var list = document.getElementById("kb-messages");
  var askForm = document.getElementById("kb-ask");
  var handoffForm = document.getElementById("kb-handoff");
  var text = chat.dataset;

  function csrf(form) { return form.querySelector("input[name=csrfmiddlewaretoken]").value; }

  function post(url, form, fields) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrf(form));
    Object.keys(fields).forEach(function (key) { body.append(key, fields[key]); });
    return fetch(url, { method: "POST", body: body, headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json().then(function (data) { return { ok: response.ok, status: response.status, data: data }; }); });
  }

  function link(href, label) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = label;
    return a;
  }

  function addMessage(role, message) {
    var item = document.createElement("li");
    item.className = "kb-msg kb-msg-" + role;
    item.textContent = message;
    list.appendChild(item);
    scrollToEnd();
    return item;
  }

  function scrollToEnd() { list.scrollTop = list.scrollHeight; }

  function offerHandoff(offered) { handoffForm.classList.toggle("kb-offer", offered); }

  function feedbackControls(item, messageId) {
    var box = document.createElement("span");
    box.className = "kb-feedback";
    box.appendChild(document.createTextNode(text.textHelpful));
    [["yes", text.textYes], ["no", text.textNo]].forEach(function (choice) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = choice[1];
      button.addEventListener("click", function () {
        post(text.feedbackUrl, askForm, { message: messageId, helpful: choice[0] }).then(function (result) {
          box.textContent = text.textThanks;
          if (result.ok) { offerHandoff(result.data.offer_handoff); }
        });
      });
      box.appendChild(button);
    });
    item.appendChild(box);
  }

  scrollToEnd();

  askForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var input = askForm.querySelector("input[name=question]");
    var question = input.value.trim();
    if (!question) { return; }
    addMessage("user", question);
    input.value = "";
    post(text.askUrl, askForm, { question: question }).then(function (result) {
      if (!result.ok) { addMessage("bot", result.data.error || text.textError); return; }
      var data = result.data;
      var item = addMessage("bot", data.message.text + " ");
      if (data.answer) {
        if (data.answer.summary) { item.appendChild(document.createElement("br")); item.appendChild(document.createTextNode(data.answer.summary + " ")); }
        item.appendChild(link(data.answer.url, text.textRead));
        feedbackControls(item, data.message.id);
      }
      if (data.suggestions.length) {
        item.appendChild(document.createElement("br"));
        item.appendChild(document.createTextNode(text.textAlso));
        var more = document.createElement("ul");
        data.suggestions.forEach(function (card) {
          var entry = document.createElement("li");
          entry.appendChild(link(card.url, card.title));
          more.appendChild(entry);
        });
        item.appendChild(more);
      }
      offerHandoff(data.offer_handoff);
      scrollToEnd();
    }).catch(function () { addMessage("bot", text.textError); });
  });

  handoffForm.addEventListener("submit", function (event) {
    event.preventDefault();
    post(text.handoffUrl, handoffForm, {}).then(function (result) {
      if (result.status === 403 && result.data.login_url) {
        var item = addMessage("bot", result.data.error + " ");
        item.appendChild(link(result.data.login_url, text.textSignin));
        scrollToEnd();
        return;
      }
      if (!result.ok) { addMessage("bot", result.data.error || text.textError); return; }
      addMessage("bot", result.data.message.text);
      handoffForm.replaceChildren(document.createTextNode(result.data.message.text));
    }).catch(function () { addMessage("bot", text.textError); });
  });
}());
