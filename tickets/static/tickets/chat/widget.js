/* SupportDesk live chat widget: one file, no inline code (CSP with nonces), embeddable on a wallet site:
 *   <script src="https://support.example/static/tickets/chat/widget.js" defer></script>
 * Messages carry a client id; the server acknowledges each with its id; after a dropped connection the
 * widget says the last id it holds, gets every later line, and sends again what was never acknowledged. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.SupportDeskChat) { return; }
  var base = new URL(script.src, window.location.href);
  var origin = base.origin;
  var sameOrigin = origin === window.location.origin;
  var STORE = "sdChat:" + origin;
  var texts = {};
  var state = load();
  var socket = null;
  var retry = 0;
  var pending = [];           // lines not yet acknowledged, in order: {client_id, body}
  var shown = {};             // server id -> element
  var byClient = {};          // client id -> element
  var typingTimer = null;
  var typingSent = 0;
  var ended = false;
  var lastSeen = 0;           // highest line id on this page: a reconnect asks only for what came after it
  var el = {};

  function load() {
    try { return JSON.parse(window.localStorage.getItem(STORE)) || {}; } catch (e) { return {}; }
  }
  function save() {
    try { window.localStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* private mode: this tab only */ }
  }
  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function node(tag, className, text) {
    var element = document.createElement(tag);
    if (className) { element.className = className; }
    if (text) { element.textContent = text; }
    return element;
  }
  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, name) { return values[name]; });
  }

  function build() {
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = base.href.replace(/widget(\.[\w]+)?\.js(\?.*)?$/, "widget.css");
    document.head.appendChild(css);
    el.open = node("button", "sdchat-open", texts.open);
    el.open.type = "button";
    el.open.setAttribute("aria-expanded", "false");
    el.panel = node("section", "sdchat-panel");
    el.panel.hidden = true;
    el.panel.setAttribute("aria-label", texts.title);
    var head = node("header", "sdchat-head");
    head.appendChild(node("strong", "", texts.title));
    el.close = node("button", "sdchat-close", "×");
    el.close.type = "button";
    el.close.setAttribute("aria-label", texts.close);
    head.appendChild(el.close);
    el.panel.appendChild(head);
    el.panel.appendChild(node("p", "sdchat-safety", texts.safety));
    el.log = node("ol", "sdchat-log");
    el.log.setAttribute("aria-live", "polite");
    el.panel.appendChild(el.log);
    el.status = node("p", "sdchat-status");
    el.status.setAttribute("role", "status");
    el.panel.appendChild(el.status);
    el.typing = node("p", "sdchat-typing", texts.typing);
    el.typing.hidden = true;
    el.panel.appendChild(el.typing);

    el.start = node("form", "sdchat-start");
    if (!texts.signedIn) {
      el.email = node("input");
      el.email.type = "email"; el.email.required = true; el.email.name = "email";
      el.email.placeholder = texts.email; el.email.setAttribute("aria-label", texts.email);
      el.name = node("input");
      el.name.name = "name"; el.name.placeholder = texts.name; el.name.setAttribute("aria-label", texts.name);
      el.start.appendChild(el.email);
      el.start.appendChild(el.name);
    }
    var go = node("button", "sdchat-primary", texts.start);
    go.type = "submit";
    el.start.appendChild(go);
    el.startError = node("p", "sdchat-error");
    el.start.appendChild(el.startError);
    el.panel.appendChild(el.start);

    el.form = node("form", "sdchat-form");
    el.input = node("textarea");
    el.input.rows = 2; el.input.maxLength = 2000;
    el.input.placeholder = texts.placeholder; el.input.setAttribute("aria-label", texts.placeholder);
    el.form.appendChild(el.input);
    var row = node("div", "sdchat-row");
    el.file = node("input");
    el.file.type = "file"; el.file.className = "sdchat-file"; el.file.setAttribute("aria-label", texts.attach);
    el.send = node("button", "sdchat-primary", texts.send);
    el.send.type = "submit";
    el.human = node("button", "sdchat-link", texts.human);
    el.human.type = "button";
    el.end = node("button", "sdchat-link", texts.end);
    el.end.type = "button";
    row.appendChild(el.file); row.appendChild(el.human); row.appendChild(el.end); row.appendChild(el.send);
    el.form.appendChild(row);
    el.panel.appendChild(el.form);
    el.again = node("button", "sdchat-primary sdchat-again", texts["new"]);
    el.again.type = "button";
    el.again.hidden = true;
    el.panel.appendChild(el.again);

    document.body.appendChild(el.open);
    document.body.appendChild(el.panel);
    wire();
    showMode();
  }

  function showMode() {
    var started = Boolean(state.key);
    el.start.hidden = started;
    el.form.hidden = !started || ended;
    el.again.hidden = !ended;
  }

  function toggle(open) {
    el.panel.hidden = !open;
    el.open.setAttribute("aria-expanded", String(open));
    if (open) {
      if (!el.log.children.length) { line({ author: "bot", body: texts.greeting }, false); }
      if (state.key && !socket) { connect(); }
      markRead();
      (state.key ? el.input : (el.email || el.start.querySelector("button"))).focus();
    }
  }

  function wire() {
    el.open.addEventListener("click", function () { toggle(el.panel.hidden); });
    el.close.addEventListener("click", function () { toggle(false); });
    el.start.addEventListener("submit", function (event) { event.preventDefault(); start(); });
    el.form.addEventListener("submit", function (event) { event.preventDefault(); sendLine(); });
    el.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); sendLine(); }
    });
    el.input.addEventListener("input", typing);
    el.file.addEventListener("change", upload);
    el.human.addEventListener("click", function () { frame({ type: "human" }); });
    el.end.addEventListener("click", function () { frame({ type: "end" }); });
    el.again.addEventListener("click", function () {
      state = {}; save(); ended = false; pending = []; shown = {}; byClient = {}; lastSeen = 0;
      el.log.replaceChildren(); el.status.textContent = ""; showMode(); toggle(true);
    });
  }

  function start() {
    var body = new URLSearchParams();
    if (el.email) { body.set("email", el.email.value); body.set("name", el.name.value); }
    body.set("language", texts.language || "");
    el.startError.textContent = "";
    fetch(origin + "/portal/chat/start/", {
      method: "POST", body: body, credentials: sameOrigin ? "same-origin" : "omit",
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (!result.ok) { el.startError.textContent = result.data.error || ""; return; }
      state = { key: result.data.key, socket: result.data.socket };
      save(); showMode(); connect(); el.input.focus();
    }).catch(function () { el.startError.textContent = texts.reconnecting; });
  }

  function connect() {
    var scheme = base.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + base.host + state.socket);
    socket.addEventListener("open", function () {
      retry = 0;
      el.status.textContent = "";
      frame({ type: "hello", last_id: lastSeen });
      pending.forEach(function (item) { frame({ type: "message", client_id: item.client_id, body: item.body }); });
    });
    socket.addEventListener("message", function (event) { receive(JSON.parse(event.data)); });
    socket.addEventListener("close", function (event) {
      socket = null;
      if (event.code === 4403) { state = {}; save(); showMode(); return; }
      if (ended) { return; }
      el.status.textContent = texts.reconnecting;
      retry = Math.min(retry + 1, 6);
      window.setTimeout(connect, 500 * Math.pow(2, retry - 1));
    });
  }

  function frame(data) {
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(data)); }
  }

  function line(data, mine) {
    var item = node("li", "sdchat-line sdchat-" + data.author);
    var who = data.author === "customer" ? texts.you : (data.author === "agent" ? (data.name || texts.agent) : texts.bot);
    item.appendChild(node("span", "sdchat-who", who));
    item.appendChild(node("span", "sdchat-body", data.body));
    (data.attachments || []).forEach(function (file) {
      var link = node("a", "sdchat-file-link", file.name);
      link.href = origin + "/portal/chat/" + state.key + "/attachments/" + file.id + "/";
      item.appendChild(link);
    });
    var meta = node("span", "sdchat-meta", mine ? texts.sending : "");
    item.appendChild(meta);
    el.log.appendChild(item);
    el.log.scrollTop = el.log.scrollHeight;
    return item;
  }

  function receive(data) {
    if (data.type === "message") {
      if (shown[data.id]) { return; }
      var item = data.client_id && byClient[data.client_id];
      if (item) {
        item.querySelector(".sdchat-meta").textContent = "";
      } else {
        item = line(data, false);
      }
      item.dataset.id = data.id;
      shown[data.id] = item;
      lastSeen = Math.max(lastSeen, data.id);
      if (data.author !== "customer") { el.typing.hidden = true; markRead(); }
    } else if (data.type === "ack") {
      pending = pending.filter(function (entry) { return entry.client_id !== data.client_id; });
      var acked = byClient[data.client_id];
      if (acked) { acked.querySelector(".sdchat-meta").textContent = ""; acked.dataset.id = data.id; shown[data.id] = acked; }
    } else if (data.type === "typing" && data.by === "agent") {
      el.typing.hidden = !data.on;
    } else if (data.type === "read" && data.by === "agent") {
      el.log.querySelectorAll(".sdchat-customer").forEach(function (item) {
        if (Number(item.dataset.id) <= data.id) { item.querySelector(".sdchat-meta").textContent = texts.read; }
      });
    } else if (data.type === "state") {
      showState(data);
    } else if (data.type === "survey") {
      var link = node("a", "sdchat-rate", texts.rate);
      link.href = data.url; link.target = "_blank"; link.rel = "noopener";
      el.status.replaceChildren(link);
    } else if (data.type === "error") {
      if (data.code === "rate_limited") { window.setTimeout(resendPending, 2000); return; }
      if (data.client_id && byClient[data.client_id]) {
        pending = pending.filter(function (entry) { return entry.client_id !== data.client_id; });
        byClient[data.client_id].querySelector(".sdchat-meta").textContent = data.message;
      } else {
        el.status.textContent = data.message;
      }
    }
  }

  function showState(data) {
    if (data.state === "queued" && data.place) {
      el.status.textContent = format(texts.queued, { place: data.place, minutes: Math.max(1, Math.round(data.wait / 60)) });
    } else if (data.state === "active" || data.state === "bot") {
      el.status.textContent = "";
    } else if (data.state === "ended" || data.state === "offline") {
      if (data.state === "ended") {
        ended = true;
        // The survey link may have come first (it is sent as the ticket is solved): keep it.
        if (!el.status.querySelector(".sdchat-rate")) { el.status.textContent = texts.ended; }
      }
      el.human.hidden = true;
      if (ended) { showMode(); }
    }
    el.human.hidden = data.state !== "bot";
  }

  function resendPending() {
    pending.forEach(function (item) { frame({ type: "message", client_id: item.client_id, body: item.body }); });
  }

  function sendLine() {
    var body = el.input.value.trim();
    if (!body) { return; }
    var entry = { client_id: newId(), body: body };
    pending.push(entry);
    byClient[entry.client_id] = line({ author: "customer", body: body }, true);
    el.input.value = "";
    frame({ type: "typing", on: false });
    frame({ type: "message", client_id: entry.client_id, body: body });
  }

  function typing() {
    var now = Date.now();
    if (now - typingSent > 2000) { frame({ type: "typing", on: true }); typingSent = now; }
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(function () { frame({ type: "typing", on: false }); typingSent = 0; }, 3000);
  }

  function markRead() {
    if (!el.panel.hidden && lastSeen) { frame({ type: "read", id: lastSeen }); }
  }

  function upload() {
    var file = el.file.files[0];
    if (!file) { return; }
    var data = new FormData();
    var clientId = newId();
    data.append("file", file);
    data.append("client_id", clientId);
    byClient[clientId] = line({ author: "customer", body: file.name }, true);
    fetch(origin + "/portal/chat/" + state.key + "/upload/", {
      method: "POST", body: data, credentials: sameOrigin ? "same-origin" : "omit",
    }).then(function (response) { return response.json(); }).then(function (result) {
      byClient[clientId].querySelector(".sdchat-meta").textContent = result.error || "";
    });
    el.file.value = "";
  }

  window.SupportDeskChat = { open: function () { toggle(true); } };
  fetch(origin + "/portal/chat/config/", { credentials: sameOrigin ? "same-origin" : "omit" })
    .then(function (response) { return response.json(); })
    .then(function (config) {
      texts = config.texts;
      texts.signedIn = config.signed_in;
      texts.language = config.language;
      if (document.body) { build(); } else { document.addEventListener("DOMContentLoaded", build); }
    });
}());
