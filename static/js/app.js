// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // The language switcher applies the choice at once (its button stays for keyboard and no-JS use).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Times are shown in the reader's own time zone: tell the server which one it is.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("tz=" + encodeURIComponent(zone)) === -1) {
      document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (e) { /* an old browser: the server's default zone is used */ }

  // A form that creates something is sent once: its button is disabled after the first click
  // (after the submit, so the button's own name and value still go with it). The server
  // dedupes by the submission key anyway; this spares the member a second wait.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.querySelector('input[name="submission_key"]')) { return; }
    var buttons = form.querySelectorAll("button[type=submit], input[type=submit]");
    setTimeout(function () { buttons.forEach(function (b) { b.disabled = true; }); }, 0);
  });
  // Back to a page from the history: its buttons work again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form button[type=submit][disabled]").forEach(function (b) {
      if (b.form && b.form.querySelector('input[name="submission_key"]')) { b.disabled = false; }
    });
  });

  // One Socket.IO connection per page, shared with discussion.js.
  if (window.io && !window.livinglabSocket) {
    window.livinglabSocket = window.io({ transports: ["websocket", "polling"] });
  }
  var socket = window.livinglabSocket;

  // The bell's unread count follows the member's private room.
  var badge = document.querySelector(".bell .badge");
  if (badge && socket) {
    socket.on("notification", function (data) {
      if (typeof data.unread !== "number") { return; }
      badge.textContent = String(data.unread);
      badge.dataset.unread = String(data.unread);
      badge.hidden = data.unread === 0;
    });
    // Suspended or deleted elsewhere: stop listening and show the signed-out page, unless
    // this very page is already on its way (its own form ended the session).
    var leaving = false;
    document.addEventListener("submit", function () { leaving = true; });
    window.addEventListener("pagehide", function () { leaving = true; });
    socket.on("session.ended", function () {
      socket.disconnect();
      if (!leaving) { window.location.reload(); }
    });
  }
})();
