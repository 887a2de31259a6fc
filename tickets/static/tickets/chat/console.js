/* The agents' chat console (admin page tickets/chatsession/console/): queue, own chats, one conversation,
 * the customer beside it. Lines carry client ids and are sent again after a reconnect until acknowledged. */
(function () {
  "use strict";
  var root = document.getElementById("chat-console");
  if (!root) { return; }
  var t = root.dataset;
  var socket = null;
  var retry = 0;
  var current = null;          // session id shown
  var lastId = {};             // session id -> highest line id seen
  var pending = [];            // {session, client_id, body}
  var shown = {};              // line id -> element (current session)
  var byClient = {};
  var typingTimer = null;
  var typingSent = 0;
  var $ = function (id) { return document.getElementById(id); };
  var nonceSource = document.querySelector("style[nonce], script[nonce]");

  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function node(tag, className, text) {
    var element = document.createElement(tag);
    if (className) { element.className = className; }
    if (text !== undefined && text !== null) { element.textContent = text; }
    return element;
  }
  var statusWanted = null;     // available/away or chats at once changed while the socket was not open
  function send(data) {
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(data)); return; }
    // Lines wait in `pending`; a status change made before the socket opened (or while it reconnects) is sent
    // when it opens, not dropped: otherwise the switch shows "available" while the desk counts the agent away.
    if (data.type === "status") { statusWanted = Object.assign(statusWanted || {}, data); }
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + t.socket);
    socket.addEventListener("open", function () {
      retry = 0;
      $("chat-conn").textContent = "";
      if (statusWanted) { socket.send(JSON.stringify(statusWanted)); statusWanted = null; }
      if (current) { send({ type: "history", session: current, last_id: lastId[current] || 0 }); }
      pending.forEach(function (item) { send({ type: "message", session: item.session, client_id: item.client_id, body: item.body }); });
    });
    socket.addEventListener("message", function (event) { receive(JSON.parse(event.data)); });
    socket.addEventListener("close", function () {
      socket = null;
      $("chat-conn").textContent = t.textOffline;
      retry = Math.min(retry + 1, 6);
      window.setTimeout(connect, 500 * Math.pow(2, retry - 1));
    });
  }

  function minutes(seconds) { return Math.max(0, Math.round(seconds / 60)); }

  function renderQueue(data) {
    $("chat-available").checked = data.available;
    var label = $("chat-available-label");
    label.textContent = data.available ? label.dataset.on : label.dataset.off;
    if (document.activeElement !== $("chat-max")) { $("chat-max").value = data.max_chats; }
    var waiting = $("chat-waiting");
    waiting.replaceChildren();
    if (!data.waiting.length) { waiting.appendChild(node("li", "chat-none", t.textNone)); }
    data.waiting.forEach(function (chat) {
      var item = node("li", chat.offered_to_me ? "chat-offered" : "");
      item.appendChild(node("strong", "", chat.reference + " "));
      item.appendChild(node("span", "", chat.subject));
      item.appendChild(node("small", "", [chat.team, chat.language, t.textWaited.replace("%(minutes)s", minutes(chat.waited))].filter(Boolean).join(" · ")));
      if (chat.offered_to_me) { item.appendChild(node("small", "chat-badge", t.textOffered)); }
      var accept = node("button", "button", t.textAccept);
      accept.type = "button";
      accept.dataset.session = chat.id;
      accept.addEventListener("click", function () { send({ type: "accept", session: chat.id }); });
      item.appendChild(accept);
      waiting.appendChild(item);
    });
    var mine = $("chat-mine");
    mine.replaceChildren();
    data.mine.forEach(function (chat) {
      var item = node("li", chat.id === current ? "chat-current" : "");
      var open = node("button", "chat-pick", chat.reference + " · " + chat.customer);
      open.type = "button";
      open.dataset.session = chat.id;
      open.addEventListener("click", function () { select(chat.id, chat.reference); });
      item.appendChild(open);
      mine.appendChild(item);
    });
    if (data.teams) { renderSupervisor(data); }
  }

  function renderSupervisor(data) {
    var words = $("chat-agent-texts").dataset;
    var teams = $("chat-teams").querySelector("tbody");
    teams.replaceChildren();
    data.teams.forEach(function (row) {
      var tr = node("tr");
      [row.team, row.waiting, t.textWaited.replace("%(minutes)s", minutes(row.longest)), row.active].forEach(function (v) { tr.appendChild(node("td", "", String(v))); });
      teams.appendChild(tr);
    });
    var agents = $("chat-agents").querySelector("tbody");
    agents.replaceChildren();
    data.agents.forEach(function (row) {
      var tr = node("tr");
      var status = !row.online ? words.offline : (row.available ? words.available : words.away);
      [row.name, status, row.active + " / " + row.max_chats].forEach(function (v) { tr.appendChild(node("td", "", v)); });
      agents.appendChild(tr);
    });
  }

  function select(session, reference) {
    current = session;
    shown = {}; byClient = {};
    lastId[session] = 0;
    $("chat-log").replaceChildren();
    $("chat-empty").hidden = true;
    $("chat-active").hidden = false;
    $("chat-typing").hidden = true;
    $("chat-form").querySelectorAll("button, textarea, select").forEach(function (input) { input.disabled = false; });
    if (reference) { $("chat-title").textContent = reference; }
    send({ type: "history", session: session, last_id: 0 });
    loadSide(session);
    root.querySelectorAll("#chat-mine li").forEach(function (item) {
      item.classList.toggle("chat-current", item.firstChild && Number(item.firstChild.dataset.session) === session);
    });
    $("id_reply_body").focus();
  }

  function loadSide(session) {
    fetch(t.sideUrl.replace("/0/", "/" + session + "/"), { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var side = $("chat-side");
        side.innerHTML = html;
        // Scripts and styles of the reply-tools panel: re-created so they run under this page's CSP nonce.
        side.querySelectorAll("script[src]").forEach(function (old) {
          var fresh = document.createElement("script");
          fresh.src = old.src;
          old.replaceWith(fresh);
        });
        side.querySelectorAll("style").forEach(function (old) {
          var fresh = document.createElement("style");
          if (nonceSource) { fresh.nonce = nonceSource.nonce; }
          fresh.textContent = old.textContent;
          old.replaceWith(fresh);
        });
      });
  }

  function line(data, mine) {
    var item = node("li", "chat-line chat-" + data.author);
    var who = data.author === "agent" ? (data.name || t.textYou) : (data.author === "customer" ? t.textCustomer : t.textBot);
    item.appendChild(node("span", "chat-who", who));
    item.appendChild(node("span", "chat-body", data.body));
    (data.attachments || []).forEach(function (file) { item.appendChild(node("span", "chat-file", "📎 " + file.name)); });
    item.appendChild(node("span", "chat-meta", mine ? "…" : ""));
    $("chat-log").appendChild(item);
    $("chat-log").scrollTop = $("chat-log").scrollHeight;
    return item;
  }

  function showLine(data) {
    if (data.session !== current || shown[data.id]) { return; }
    var item = data.client_id && byClient[data.client_id];
    if (item) { item.querySelector(".chat-meta").textContent = ""; } else { item = line(data, false); }
    item.dataset.id = data.id;
    shown[data.id] = item;
    lastId[current] = Math.max(lastId[current] || 0, data.id);
    if (data.author === "customer") {
      $("chat-typing").hidden = true;
      send({ type: "read", session: current, id: data.id });
    }
  }

  function receive(data) {
    if (data.type === "queue") { renderQueue(data); }
    else if (data.type === "history") {
      if (data.session !== current) { return; }
      data.lines.forEach(showLine);
      if (data.state === "ended") { endedView(); }
    }
    else if (data.type === "message") { showLine(data); }
    else if (data.type === "ack") {
      pending = pending.filter(function (entry) { return entry.client_id !== data.client_id; });
    }
    else if (data.type === "joined") { select(data.session, ""); }
    else if (data.type === "typing" && data.by === "customer" && data.session === current) { $("chat-typing").textContent = t.textTyping; $("chat-typing").hidden = !data.on; }
    else if (data.type === "read" && data.by === "customer" && data.session === current) {
      $("chat-log").querySelectorAll(".chat-agent").forEach(function (item) {
        if (Number(item.dataset.id) <= data.id) { item.querySelector(".chat-meta").textContent = t.textRead; }
      });
    }
    else if (data.type === "state" && data.session === current && data.state === "ended") { endedView(); }
    else if (data.type === "left" && data.session === current) { current = null; $("chat-active").hidden = true; $("chat-empty").hidden = false; }
    else if (data.type === "error") {
      $("chat-conn").textContent = data.message;
      if (data.client_id) { pending = pending.filter(function (entry) { return entry.client_id !== data.client_id; }); }
    }
  }

  function endedView() {
    $("chat-typing").hidden = false;
    $("chat-typing").textContent = t.textEnded;
    $("chat-form").querySelectorAll("button, textarea, select").forEach(function (input) { input.disabled = true; });
  }

  $("chat-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var box = $("id_reply_body");
    var body = box.value.trim();
    if (!body || !current) { return; }
    var entry = { session: current, client_id: newId(), body: body };
    pending.push(entry);
    byClient[entry.client_id] = line({ author: "agent", body: body }, true);
    box.value = "";
    send({ type: "typing", session: current, on: false });
    send({ type: "message", session: current, client_id: entry.client_id, body: body });
  });
  $("id_reply_body").addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); $("chat-form").requestSubmit(); }
  });
  $("id_reply_body").addEventListener("input", function () {
    if (!current) { return; }
    var now = Date.now();
    if (now - typingSent > 2000) { send({ type: "typing", session: current, on: true }); typingSent = now; }
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(function () { send({ type: "typing", session: current, on: false }); typingSent = 0; }, 3000);
  });
  $("chat-end").addEventListener("click", function () { if (current) { send({ type: "end", session: current }); } });
  $("chat-transfer-go").addEventListener("click", function () {
    var value = $("chat-transfer").value;
    if (!current || !value) { return; }
    var parts = value.split(":");
    var data = { type: "transfer", session: current };
    data[parts[0]] = Number(parts[1]);
    send(data);
  });
  $("chat-available").addEventListener("change", function (event) { send({ type: "status", available: event.target.checked }); });
  $("chat-max").addEventListener("change", function (event) { send({ type: "status", max_chats: Number(event.target.value) }); });
  window.setInterval(function () { send({ type: "ping" }); }, 20000);
  connect();
}());
