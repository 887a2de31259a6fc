// Ticket page: who else is viewing or typing a reply (presence socket), and a notice when the ticket
// changes under the agent's feet. The server refuses a stale save anyway (tickets.services.versions);
// this only warns earlier.
(function () {
  "use strict";
  var box = document.getElementById("sd-presence");
  if (!box || !window.WebSocket) { return; }
  var people = {};
  var heartbeat = (parseInt(box.dataset.heartbeat, 10) || 15) * 1000;
  var reply = document.getElementById("id_reply_body");
  var typingUntil = 0;
  var socket = null;
  var timer = null;

  function render() {
    var now = Date.now();
    var parts = [];
    Object.keys(people).forEach(function (id) {
      var person = people[id];
      if (now - person.seen > heartbeat * 3) { delete people[id]; return; }
      parts.push(person.name + " (" + (person.typing ? box.dataset.typingLabel : box.dataset.viewingLabel) + ")");
    });
    var line = box.querySelector(".sd-presence-people");
    line.textContent = parts.join(", ");
    line.hidden = parts.length === 0;
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(frame)); }
  }

  function beat() { send({ type: "heartbeat", typing: Date.now() < typingUntil }); render(); }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + box.dataset.socket);
    socket.onmessage = function (event) {
      var frame = JSON.parse(event.data);
      if (frame.type === "presence" && String(frame.user) !== box.dataset.user) {
        people[frame.user] = { name: frame.name, typing: frame.typing, seen: Date.now() };
      } else if (frame.type === "left") {
        delete people[frame.user];
      } else if (frame.type === "changed") {
        var notice = box.querySelector(".sd-presence-changed");
        notice.textContent = box.dataset.changedLabel.replace("%(name)s", frame.by || "?");
        notice.hidden = false;
      }
      render();
    };
    socket.onclose = function () { window.setTimeout(connect, heartbeat); };
  }

  if (reply) {
    reply.addEventListener("input", function () {
      var wasTyping = Date.now() < typingUntil;
      typingUntil = Date.now() + 5000;
      if (!wasTyping) { beat(); }
    });
  }
  connect();
  timer = window.setInterval(beat, heartbeat);
  window.addEventListener("beforeunload", function () { window.clearInterval(timer); });
})();
