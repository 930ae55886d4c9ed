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
      // One more unread: said aloud by screen readers (the live region of base.html).
      var announcer = document.getElementById("live-announcer");
      if (data.unread > Number(badge.dataset.unread || 0) && announcer && window.livinglabAnnounce) {
        window.livinglabAnnounce(announcer.dataset.notification.replace("{count}", String(data.unread)));
      }
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

// Safer actions and accessible feedback: confirmation of forms marked data-confirm, focus on the
// first error of a form sent back, and one live region that screen readers announce.
(function () {
  "use strict";
  var aids = document.getElementById("writing-aids");
  var labels = {};
  try { labels = JSON.parse((aids && aids.dataset.labels) || "{}"); } catch (e) { labels = {}; }

  // Announcements (new comments...) go to the page's aria-live region, made here if absent.
  var region = document.getElementById("live-announcer");
  if (!region) {
    region = document.createElement("div");
    region.id = "live-announcer";
    region.className = "visually-hidden";
    region.setAttribute("role", "status");
    region.setAttribute("aria-live", "polite");
    document.body.appendChild(region);
  }
  window.livinglabAnnounce = function (text) {
    var line = document.createElement("p");
    line.textContent = text;
    region.appendChild(line);
    setTimeout(function () { line.remove(); }, 15000);
  };

  // <form data-confirm="what will happen" data-confirm-yes="button text">: a modal dialog asks
  // first (Cancel has the focus; Escape cancels). Without scripts the form simply submits.
  var dialog = null;
  var pending = null;
  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("role", "alertdialog");
    dialog.setAttribute("aria-labelledby", "confirm-dialog-title");
    dialog.setAttribute("aria-describedby", "confirm-dialog-message");
    var title = document.createElement("h2");
    title.id = "confirm-dialog-title";
    title.textContent = labels.confirmTitle || "Please confirm";
    var message = document.createElement("p");
    message.id = "confirm-dialog-message";
    var actions = document.createElement("div");
    actions.className = "actions";
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "secondary";
    cancel.dataset.answer = "cancel";
    cancel.textContent = labels.cancel || "Cancel";
    var confirm = document.createElement("button");
    confirm.type = "button";
    confirm.dataset.answer = "confirm";
    actions.appendChild(cancel);
    actions.appendChild(confirm);
    dialog.appendChild(title);
    dialog.appendChild(message);
    dialog.appendChild(actions);
    dialog.addEventListener("click", function (event) {
      var button = event.target.closest("[data-answer]");
      if (button) { dialog.close(button.dataset.answer); }
    });
    dialog.addEventListener("close", function () {
      var asked = pending;
      pending = null;
      if (!asked) { return; }
      if (dialog.returnValue === "confirm") {
        asked.form.dataset.confirmed = "1";
        if (asked.form.requestSubmit) { asked.form.requestSubmit(asked.submitter || undefined); }
        else { asked.form.submit(); }
      } else {
        if (asked.back) { asked.back.focus(); }
      }
    });
    document.body.appendChild(dialog);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-confirm")) { return; }
    if (form.dataset.confirmed === "1") { delete form.dataset.confirmed; return; }
    if (typeof HTMLDialogElement !== "function") { return; }  // an old browser: sent as before
    event.preventDefault();
    event.stopImmediatePropagation();  // the other submit handlers run once it is confirmed
    if (!dialog) { build(); }
    // The button pressed, unless Enter pressed the form's hidden default one: focus returns there.
    var visible = event.submitter && event.submitter.getAttribute("aria-hidden") !== "true"
      ? event.submitter : form.querySelector("button[type=submit]:not([aria-hidden])");
    pending = { form: form, submitter: event.submitter, back: visible };
    document.getElementById("confirm-dialog-message").textContent = form.dataset.confirm;
    var yes = dialog.querySelector('[data-answer="confirm"]');
    yes.textContent = form.dataset.confirmYes || labels.confirm || "Confirm";
    yes.className = visible && visible.classList.contains("danger") ? "danger" : "";
    dialog.returnValue = "";
    dialog.showModal();
  }, true);

  // A form sent back with errors: the first field to correct has the focus (and is in view).
  var invalid = Array.prototype.filter.call(
    document.querySelectorAll('main [aria-invalid="true"]'),
    function (node) { return node.offsetParent !== null; }
  )[0];
  if (invalid) {
    invalid.focus();
  } else if (/^#comment-\d+$/.test(location.hash)) {
    // Back from posting a comment without the live connection: the new comment has the focus.
    var comment = document.getElementById(location.hash.slice(1));
    if (comment) { comment.tabIndex = -1; comment.focus(); }
  }
})();
