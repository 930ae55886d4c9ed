// Live discussion: joins the page's room, shows new comments, edits and hides as they happen,
// posts over the socket with acknowledgement, and replays what was missed after a reconnection.
(function () {
  "use strict";
  var section = document.querySelector(".discussion[data-room]");
  var socket = window.livinglabSocket;
  if (!section || !socket) { return; }

  var room = section.dataset.room;
  var labels = JSON.parse(section.dataset.labels || "{}");
  var lastId = parseInt(section.dataset.lastId || "0", 10);
  var list = section.querySelector("[data-thread-list]");

  function join() {
    socket.emit("join", { room: room, since: lastId }, function () {});
  }
  socket.on("connect", join);  // also after every reconnection, with the last id seen
  if (socket.connected) { join(); }

  function byId(id) { return document.getElementById("comment-" + id); }

  function render(c) {
    var li = document.createElement("li");
    li.className = "comment depth-" + c.depth + (c.html === null ? " gone" : "");
    li.id = "comment-" + c.id;
    li.dataset.id = c.id;
    li.dataset.depth = c.depth;
    li.dataset.authorId = c.author ? c.author.id : "";
    var head = document.createElement("div");
    head.className = "comment-head";
    if (c.author) {
      var a = document.createElement("a");
      a.className = "comment-author";
      a.href = "/members/" + c.author.id;
      a.textContent = c.author.name;
      head.appendChild(a);
      if (labels[c.author.role]) {
        var badge = document.createElement("span");
        badge.className = "badge-role role-" + c.author.role;
        badge.textContent = labels[c.author.role];
        head.appendChild(document.createTextNode(" "));
        head.appendChild(badge);
      }
      var city = document.createElement("span");
      city.className = "muted";
      city.textContent = " " + c.author.city;
      head.appendChild(city);
    } else {
      head.textContent = labels.formerMember;
    }
    var time = document.createElement("time");
    time.className = "muted";
    time.dateTime = c.created_at;
    // A comment that arrives live was just written: "now" in the page's language.
    const lang = document.documentElement.lang;
    time.title = new Date(c.created_at).toLocaleString(lang);
    time.textContent = " " + new Intl.RelativeTimeFormat(lang, { numeric: "auto" }).format(0, "second");
    head.appendChild(time);
    li.appendChild(head);
    var body = document.createElement("div");
    body.className = "comment-body prose";
    li.appendChild(body);
    fillBody(li, c);
    if (c.html !== null && section.dataset.userId) {
      var actions = document.createElement("div");
      actions.className = "comment-actions";
      var reply = document.createElement("a");
      reply.href = "/comments/" + c.id + "#reply";
      reply.className = "reply-link";
      reply.dataset.replyTo = c.id;
      reply.textContent = labels.reply;
      actions.appendChild(reply);
      li.appendChild(actions);
    }
    if (c.depth === 0) {
      var replies = document.createElement("ul");
      replies.className = "replies";
      replies.dataset.repliesFor = c.id;
      li.appendChild(replies);
    }
    return li;
  }

  // The server sends sanitised HTML (markdown-it in safe mode, then nh3) or null when gone.
  function fillBody(li, c) {
    var body = li.querySelector(".comment-body");
    if (c.html === null) {
      body.innerHTML = "";
      var p = document.createElement("p");
      p.className = "muted";
      p.textContent = c.deleted ? labels.deleted : labels.hidden;
      body.appendChild(p);
      body.removeAttribute("lang");  // the notice is in the page's language
      li.classList.add("gone");
      var actions = li.querySelector(".comment-actions");
      if (actions) { actions.remove(); }
    } else {
      body.innerHTML = c.html;
      // The language the comment is written in, for screen readers and translation.
      if (c.language) { body.lang = c.language; } else { body.removeAttribute("lang"); }
      li.classList.remove("gone");
    }
  }

  // Shows a comment once; returns its new element, or null when it was shown already (or its
  // branch is folded).
  function place(c) {
    lastId = Math.max(lastId, c.id);
    if (byId(c.id)) { return null; }  // already shown: replays never duplicate
    var node = render(c);
    if (c.parent_id === null) {
      list.appendChild(node);
      var empty = section.querySelector("[data-empty-thread]");
      if (empty) { empty.remove(); }
      return node;
    }
    var parent = byId(c.parent_id);
    var top = parent && parent.dataset.depth === "0" ? parent : parent && parent.closest(".comment.depth-0");
    var holder = top && top.querySelector("ul.replies");
    if (holder && !holder.querySelector("[data-load-replies]")) {
      holder.appendChild(node);
      return node;
    }
    return null;
  }

  function announce(text) {
    if (window.livinglabAnnounce && text) { window.livinglabAnnounce(text); }
  }

  // Someone else's new comment is announced to screen readers; one's own is not.
  socket.on("comment.created", function (c) {
    if (c.room !== room) { return; }
    var mine = c.author && String(c.author.id) === section.dataset.userId;
    if (place(c) && !mine && c.author) {
      announce((labels.newComment || "").replace("%(name)s", c.author.name));
    }
  });
  function update(c) {
    if (c.room !== room) { return; }
    var li = byId(c.id);
    if (li) { fillBody(li, c); }
  }
  socket.on("comment.updated", update);
  socket.on("comment.hidden", update);

  // Replies load on demand.
  section.addEventListener("click", function (event) {
    var link = event.target.closest("[data-load-replies]");
    if (link) {
      event.preventDefault();
      var holder = link.closest("ul.replies");
      fetch(link.dataset.loadReplies, { credentials: "same-origin" })
        .then(function (r) { return r.text(); })
        .then(function (html) { holder.innerHTML = html; });
      return;
    }
    var reply = event.target.closest("[data-reply-to]");
    if (reply) {
      event.preventDefault();
      openReplyForm(reply.closest(".comment"), reply.dataset.replyTo);
    }
  });

  function openReplyForm(li, parentId) {
    var existing = li.querySelector(":scope > form.comment-form");
    if (existing) { existing.querySelector("textarea").focus(); return; }
    var main = section.querySelector("form.comment-form");
    if (!main) { return; }
    var form = main.cloneNode(true);
    var writing = window.livinglabWriting;
    if (writing) { writing.strip(form); }  // the copied toolbar and preview belong to the main box
    form.querySelector('input[name="parent_id"]').value = parentId;
    var textarea = form.querySelector("textarea");
    textarea.value = "";
    textarea.id = "reply-body-" + parentId;
    var label = form.querySelector("label");
    if (label) { label.htmlFor = textarea.id; }
    form.querySelectorAll("[id$='-hint'], .field-error").forEach(function (n) { n.remove(); });
    textarea.removeAttribute("aria-describedby");
    textarea.removeAttribute("aria-invalid");
    li.appendChild(form);
    if (writing) { writing.enhance(form); }  // a kept draft of this reply comes back here
    textarea.focus();
  }

  // A refusal is shown at the text box, which gets the focus back with the message read out.
  function showError(form, textarea, message) {
    var error = form.querySelector(".comment-form-error");
    if (!error) {
      error = document.createElement("p");
      error.className = "comment-form-error field-error";
      var field = textarea.closest(".field") || textarea;
      field.parentNode.insertBefore(error, field.nextSibling);
    }
    error.id = textarea.id + "-live-error";
    error.textContent = message;
    error.hidden = false;
    var described = (textarea.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      return id && id !== error.id;
    });
    described.push(error.id);
    textarea.setAttribute("aria-describedby", described.join(" "));
    textarea.setAttribute("aria-invalid", "true");
    textarea.focus();
  }

  function clearError(form, textarea) {
    var error = form.querySelector(".comment-form-error");
    if (error) { error.hidden = true; }
    textarea.removeAttribute("aria-invalid");
  }

  // Posting over the socket; the form still works as a plain POST if the socket is down.
  section.addEventListener("submit", function (event) {
    var form = event.target.closest("form.comment-form");
    if (!form || !socket.connected) { return; }
    event.preventDefault();
    var textarea = form.querySelector("textarea");
    var button = form.querySelector("button[type=submit]");
    var parent = form.querySelector('input[name="parent_id"]').value;
    button.disabled = true;
    socket.emit("comment.create", {
      room: room,
      body: textarea.value,
      parent_id: parent ? parseInt(parent, 10) : null
    }, function (ack) {
      button.disabled = false;
      if (ack && ack.ok) {
        place(ack.comment);
        textarea.value = "";
        clearError(form, textarea);
        form.dispatchEvent(new CustomEvent("livinglab:posted", { bubbles: true }));  // drafts
        if (parent) { form.remove(); }
        // The focus goes to the comment just posted, and the reader hears it went out.
        var posted = byId(ack.comment.id);
        if (posted) { posted.tabIndex = -1; posted.focus(); }
        announce(labels.posted);
        return;
      }
      // The text stays in the box; the message says what to change.
      var message = ack && ack.error ? ((ack.error.fields && ack.error.fields.body) || ack.error.message) : "";
      showError(form, textarea, message);
    });
  });
})();

// Vote counts move for every viewer of an idea or a challenge.
(function () {
  "use strict";
  var socket = window.livinglabSocket;
  if (!socket) { return; }
  socket.on("vote.changed", function (data) {
    document.querySelectorAll('[data-vote-count="' + data.idea_id + '"]').forEach(function (node) {
      node.textContent = String(data.votes);
    });
  });
})();

// A pilot page learns that the pilot changed (status, milestones, updates) and offers a reload.
(function () {
  "use strict";
  var socket = window.livinglabSocket;
  var note = document.querySelector("[data-live-note]");
  if (!socket || !note) { return; }
  var pilotId = parseInt(document.getElementById("pilot").dataset.pilotId, 10);
  socket.on("pilot.updated", function (data) {
    if (data.pilot_id === pilotId) { note.hidden = false; }
  });
})();
