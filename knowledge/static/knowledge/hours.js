// Support hours page: without a profile time zone the server shows UTC; ask it once for the browser's zone instead.
(function () {
  "use strict";
  var params = new URLSearchParams(window.location.search);
  if (params.has("tz")) return;
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (error) { return; }
  if (!zone || zone === "UTC" || zone === "Etc/UTC") return;
  params.set("tz", zone);
  window.location.replace(window.location.pathname + "?" + params.toString());
})();
