// The bell in the admin header: unread count and the newest notifications (feed), then live over the
// notifications socket. Opening one goes through its "open" link, which marks it read.
(function () {
  "use strict";
  var bell = document.getElementById("sd-bell");
  if (!bell || !window.fetch) { return; }
  var count = bell.querySelector(".sd-bell-count");
  var menu = document.getElementById("sd-bell-menu");
  var unread = 0;

  function show(n) {
    unread = Math.max(n, 0);
    count.textContent = unread > 99 ? "99+" : String(unread);
    count.hidden = unread === 0;
  }

  function item(frame, read) {
    var li = document.createElement("li");
    var link = document.createElement("a");
    link.href = frame.url;
    link.textContent = frame.label + ": " + frame.text;
    if (!read) { link.className = "sd-unread"; }
    li.appendChild(link);
    return li;
  }

  function load() {
    fetch(bell.dataset.feed, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (feed) {
        show(feed.unread);
        var list = menu.querySelector("ul");
        list.textContent = "";
        feed.items.forEach(function (frame) { list.appendChild(item(frame, frame.read)); });
      });
  }

  function connect() {
    if (!window.WebSocket) { return; }
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + bell.dataset.socket);
    socket.onmessage = function (event) {
      var frame = JSON.parse(event.data);
      if (frame.type === "notification") {
        show(unread + 1);
        menu.querySelector("ul").prepend(item(frame, false));
      } else if (frame.type === "read") {
        show(unread - 1);
      }
    };
    socket.onclose = function (event) {
      if (event.code !== 4403) { window.setTimeout(function () { load(); connect(); }, 10000); }
    };
  }

  bell.addEventListener("click", function (event) {
    event.preventDefault();
    menu.hidden = !menu.hidden;
  });
  document.addEventListener("click", function (event) {
    if (!menu.hidden && !menu.contains(event.target) && !bell.contains(event.target)) { menu.hidden = true; }
  });
  load();
  connect();
})();
