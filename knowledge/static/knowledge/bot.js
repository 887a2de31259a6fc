// FAQ bot widget: posts questions with fetch (the forms also work without JavaScript)
// and builds every message with textContent, so nothing from the server is parsed as HTML.
// Hand-off posts the form to its own action: the direct hand-off for a signed-in customer,
// the email step (answered with "check your email" or field errors) for anonymous visitors.
(function () {
  "use strict";
  var chat = document.getElementById("kb-chat");
  if (!chat) { return; }
  var list = document.getElementById("kb-messages");
  var askForm = document.getElementById("kb-ask");
  var handoffForm = document.getElementById("kb-handoff");
  var text = chat.dataset;

  function csrf(form) { return form.querySelector("input[name=csrfmiddlewaretoken]").value; }

  function send(url, body) {
    return fetch(url, { method: "POST", body: body, headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json().then(function (data) { return { ok: response.ok, status: response.status, data: data }; }); });
  }

  function post(url, form, fields) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrf(form));
    Object.keys(fields).forEach(function (key) { body.append(key, fields[key]); });
    return send(url, body);
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
    var asked = addMessage("user", question);
    input.value = "";
    post(text.askUrl, askForm, { question: question }).then(function (result) {
      if (!result.ok) { addMessage("bot", result.data.error || text.textError); return; }
      var data = result.data;
      // Show the question as it was stored: a recovery phrase typed by mistake does not stay on screen.
      asked.textContent = data.question.text;
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

  function clearFieldErrors() {
    handoffForm.querySelectorAll(".field--error").forEach(function (box) { box.classList.remove("field--error"); });
    handoffForm.querySelectorAll(".field .error").forEach(function (error) { error.remove(); });
    handoffForm.querySelectorAll("[aria-invalid]").forEach(function (input) { input.removeAttribute("aria-invalid"); });
  }

  // Field errors come as Django's form.errors.get_json_data(): {"email": [{"message": ..., "code": ...}]}.
  function showFieldErrors(errors) {
    var first = null;
    Object.keys(errors).forEach(function (name) {
      var input = handoffForm.querySelector("[name='" + name + "']");
      var box = input && input.closest(".field");
      if (!box) { return; }
      box.classList.add("field--error");
      input.setAttribute("aria-invalid", "true");
      errors[name].forEach(function (error) {
        var line = document.createElement("p");
        line.className = "error";
        line.textContent = error.message;
        box.appendChild(line);
      });
      first = first || input;
    });
    if (first) { first.focus(); }
    return first !== null;
  }

  function showPending(message) {
    var notice = document.createElement("p");
    notice.className = "kb-pending";
    notice.setAttribute("role", "status");
    notice.setAttribute("data-handoff-pending", "");
    notice.textContent = message;
    handoffForm.replaceChildren(notice);
  }

  handoffForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var email = handoffForm.querySelector("input[name=email]");
    if (email && !handoffForm.classList.contains("kb-offer")) {
      // An anonymous visitor first sees where we will answer them.
      offerHandoff(true);
      email.focus();
      return;
    }
    clearFieldErrors();
    send(handoffForm.getAttribute("action"), new FormData(handoffForm)).then(function (result) {
      if (result.status === 403 && result.data.login_url) {
        var item = addMessage("bot", result.data.error + " ");
        item.appendChild(link(result.data.login_url, text.textSignin));
        scrollToEnd();
        return;
      }
      if (result.data.errors && showFieldErrors(result.data.errors)) { return; }
      if (!result.ok) { addMessage("bot", result.data.error || text.textError); return; }
      if (result.data.pending) { showPending(result.data.message); return; }
      addMessage("bot", result.data.message.text);
      handoffForm.replaceChildren(document.createTextNode(result.data.message.text));
    }).catch(function () { addMessage("bot", text.textError); });
  });
}());
