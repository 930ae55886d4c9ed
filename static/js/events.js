// An event's page learns that the event changed (details, agenda, seats, minutes) and offers
// a reload; the seat counts follow at once. The page works without it.
(function () {
  "use strict";
  function start() {
    var socket = window.livinglabSocket;  // made by app.js, which runs after this file
    var page = document.getElementById("event");
    if (!socket || !page) { return; }
    var eventId = parseInt(page.dataset.eventId, 10);
    var note = document.querySelector("[data-live-note]");
    socket.on("event.updated", function (data) {
      if (data.event_id !== eventId) { return; }
      if (typeof data.registered === "number") {
        document.querySelectorAll("[data-seats-taken]").forEach(function (node) {
          node.textContent = String(data.registered);
        });
        document.querySelectorAll("[data-waiting]").forEach(function (node) {
          node.textContent = String(data.waiting);
        });
      }
      if (note && data.what !== "attendance") { note.hidden = false; }
    });
  }
  // Deferred scripts run in document order, before DOMContentLoaded: app.js has run by then.
  if (document.readyState === "complete") { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();
