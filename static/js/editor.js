// Writing aids for every Markdown text box that asks for them (textarea[data-markdown]):
// a toolbar (bold, italic, link, list, quote), a Preview tab that the server renders exactly as
// the pages will (POST /writing/preview), a one-line help, and drafts of comments kept in this
// browser across a reload. Without scripts the text box is a plain text box.
(function () {
  "use strict";
  var script = document.getElementById("writing-aids");
  var config = script ? script.dataset : {};
  var labels = {};
  try { labels = JSON.parse(config.labels || "{}"); } catch (e) { labels = {}; }
  var previewUrl = config.previewUrl || "";
  var isMac = /Mac|iPhone|iPad/.test(navigator.platform || "");
  var serial = 0;
  var DRAFT_PREFIX = "livinglab.draft.";
  var SENT_KEY = "livinglab.draft-sent";
  var DRAFT_DAYS = 30;

  function t(name) { return labels[name] || name; }

  // Icons drawn with paths only: no style attribute (the CSP forbids them), colour from CSS.
  var ICONS = {
    bold: "M7 5h6a3.5 3.5 0 0 1 2.4 6A3.8 3.8 0 0 1 14 19H7V5Zm3 3v3h3a1.5 1.5 0 0 0 0-3h-3Zm0 6v3h4a1.5 1.5 0 0 0 0-3h-4Z",
    italic: "M10 5h8v3h-2.6l-2.8 8H15v3H7v-3h2.6l2.8-8H10V5Z",
    link: "M10.6 13.4a1 1 0 0 1 0-1.4l3.5-3.5a1 1 0 1 1 1.4 1.4L12 13.4a1 1 0 0 1-1.4 0ZM8.5 19a4.5 4.5 0 0 1-3.2-7.7l2.1-2.1a1 1 0 0 1 1.4 1.4l-2.1 2.1a2.5 2.5 0 0 0 3.5 3.5l2.1-2.1a1 1 0 0 1 1.4 1.4l-2.1 2.1A4.5 4.5 0 0 1 8.5 19Zm7.5-4.1a1 1 0 0 1-.7-1.7l2.1-2.1a2.5 2.5 0 0 0-3.5-3.5l-2.1 2.1a1 1 0 0 1-1.4-1.4l2.1-2.1a4.5 4.5 0 0 1 6.4 6.4l-2.1 2.1a1 1 0 0 1-.8.2Z",
    list: "M4 6.5a1.5 1.5 0 1 1 3 0 1.5 1.5 0 0 1-3 0ZM9 5.5h11v2H9v-2Zm-5 6.5a1.5 1.5 0 1 1 3 0 1.5 1.5 0 0 1-3 0Zm5-1h11v2H9v-2Zm-5 6.5a1.5 1.5 0 1 1 3 0 1.5 1.5 0 0 1-3 0Zm5-1h11v2H9v-2Z",
    quote: "M5 17v-4.5C5 9 6.7 6.8 10 6l.6 1.8C8.8 8.4 8 9.6 8 11h2.5v6H5Zm8.5 0v-4.5c0-3.5 1.7-5.7 5-6.5l.6 1.8c-1.8.6-2.6 1.8-2.6 3.2h2.5v6h-5.5Z",
    mention: "M12 3a9 9 0 1 0 4.5 16.8l-1-1.7A7 7 0 1 1 19 12v1a1.5 1.5 0 0 1-3 0V8h-2v.8A4.5 4.5 0 1 0 14.6 15 3.5 3.5 0 0 0 21 13v-1a9 9 0 0 0-9-9Zm0 11.5a2.5 2.5 0 1 1 0-5 2.5 2.5 0 0 1 0 5Z"
  };

  var TOOLS = [
    { name: "bold", key: "b", wrap: "**", placeholder: "boldText" },
    { name: "italic", key: "i", wrap: "*", placeholder: "italicText" },
    { name: "link", key: "k" },
    { name: "list", prefix: "- ", placeholder: "listItem" },
    { name: "quote", prefix: "> ", placeholder: "quoteText" },
    { name: "mention", mentions: true }
  ];

  function icon(name) {
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", ICONS[name]);
    svg.appendChild(path);
    return svg;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  // ---- Editing the text: every change goes through the browser's own undo history. ----
  function insert(textarea, text, selectFrom, selectTo) {
    var start = textarea.selectionStart;
    textarea.focus();
    var done = false;
    try { done = document.execCommand("insertText", false, text); } catch (e) { done = false; }
    if (!done || textarea.value.substr(start, text.length) !== text) {
      textarea.setRangeText(text, start, textarea.selectionEnd, "end");
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
    textarea.setSelectionRange(start + selectFrom, start + selectTo);
  }

  function wrap(textarea, marker, placeholder) {
    var value = textarea.value;
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    // A double-clicked word brings its trailing space along; "**word **" would not be bold.
    while (end > start && /\s/.test(value.charAt(end - 1))) { end -= 1; }
    var before = value.slice(start - marker.length, start);
    var after = value.slice(end, end + marker.length);
    var selected = value.slice(start, end);
    // "*" next to "**" is part of bold, not an italic to undo.
    var alone = marker !== "*" || (value.charAt(start - 2) !== "*" && value.charAt(end + 1) !== "*");
    if (selected && before === marker && after === marker && alone) {  // pressed again: undone
      textarea.setSelectionRange(start - marker.length, end + marker.length);
      insert(textarea, selected, 0, selected.length);
      return;
    }
    textarea.setSelectionRange(start, end);
    var inner = selected || t(placeholder);
    insert(textarea, marker + inner + marker, marker.length, marker.length + inner.length);
  }

  function link(textarea) {
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    var selected = textarea.value.slice(start, end).trim();
    if (/^https?:\/\/\S+$/.test(selected)) {  // an address selected: ask for its text
      insert(textarea, "[" + t("linkText") + "](" + selected + ")", 1, 1 + t("linkText").length);
      return;
    }
    var text = "[" + (selected || t("linkText")) + "](https://)";
    var url = text.length - "https://)".length;
    insert(textarea, text, url, url + "https://".length);
  }

  function prefixLines(textarea, prefix, placeholder) {
    var value = textarea.value;
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    if (end > start && value.charAt(end - 1) === "\n") { end -= 1; }
    var lineStart = value.lastIndexOf("\n", start - 1) + 1;
    var lineEnd = value.indexOf("\n", end);
    if (lineEnd === -1) { lineEnd = value.length; }
    var lines = value.slice(lineStart, lineEnd).split("\n");
    var all = lines.every(function (line) { return line.indexOf(prefix) === 0; });
    var changed;
    if (all) {
      changed = lines.map(function (line) { return line.slice(prefix.length); });
    } else if (lines.length === 1 && !lines[0].trim()) {
      changed = [prefix + t(placeholder)];
    } else {
      changed = lines.map(function (line) { return line.trim() ? prefix + line : line; });
    }
    var text = changed.join("\n");
    // A blank line between a paragraph and a new list or quote (not inside one going on).
    var previous = lineStart ? value.slice(value.lastIndexOf("\n", lineStart - 2) + 1, lineStart - 1) : "";
    var lead = !all && previous.trim() && previous.indexOf(prefix) !== 0 ? "\n" : "";
    textarea.setSelectionRange(lineStart, lineEnd);
    if (lines.length === 1 && !lines[0].trim() && !all) {
      insert(textarea, lead + text, lead.length + prefix.length, lead.length + text.length);
    } else {
      insert(textarea, lead + text, lead.length, lead.length + text.length);
    }
  }

  function apply(tool, textarea) {
    if (tool.wrap) { wrap(textarea, tool.wrap, tool.placeholder); }
    else if (tool.prefix) { prefixLines(textarea, tool.prefix, tool.placeholder); }
    else if (tool.mentions) {  // pickers.js offers the people as soon as the @ is typed
      var before = textarea.value.slice(0, textarea.selectionStart);
      var at = before && !/\s$/.test(before) ? " @" : "@";
      insert(textarea, at, at.length, at.length);
    } else { link(textarea); }
  }

  // ---- The preview: the server's own rendering, never a second Markdown engine. ----
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function showPreview(editor) {
    var panel = editor.preview;
    var text = editor.textarea.value;
    panel.innerHTML = "";
    if (!text.trim()) {
      panel.appendChild(element("p", "muted", t("empty")));
      return;
    }
    panel.appendChild(element("p", "muted", t("loading")));
    panel.setAttribute("aria-busy", "true");
    var body = new URLSearchParams();
    body.set("text", text);
    fetch(previewUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
      body: body
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      return json ? response.json().then(function (data) { return { ok: response.ok, data: data }; })
        : { ok: false, data: {} };
    }).then(function (answer) {
      panel.removeAttribute("aria-busy");
      if (!answer.ok || typeof answer.data.html !== "string") {
        var message = answer.data.error && answer.data.error.message;
        panel.innerHTML = "";
        panel.appendChild(element("p", "field-error", message || t("failed")));
        return;
      }
      // Sanitised by the server (markdown-it in safe mode, then nh3), as on every page.
      panel.innerHTML = answer.data.html;
    }).catch(function () {
      panel.removeAttribute("aria-busy");
      panel.innerHTML = "";
      panel.appendChild(element("p", "field-error", t("failed")));
    });
  }

  function select(editor, previewing) {
    editor.writeTab.setAttribute("aria-selected", String(!previewing));
    editor.previewTab.setAttribute("aria-selected", String(previewing));
    editor.writeTab.tabIndex = previewing ? -1 : 0;
    editor.previewTab.tabIndex = previewing ? 0 : -1;
    editor.textarea.hidden = previewing;
    editor.preview.hidden = !previewing;
    editor.tools.querySelectorAll("button").forEach(function (b) { b.disabled = previewing; });
    editor.root.classList.toggle("md-previewing", previewing);
    if (previewing) { showPreview(editor); }
  }

  // ---- Building one editor around a text box. ----
  function roving(container, selector, onMove) {
    container.addEventListener("keydown", function (event) {
      var items = Array.prototype.slice.call(container.querySelectorAll(selector)).filter(function (b) { return !b.disabled; });
      var index = items.indexOf(document.activeElement);
      if (index === -1) { return; }
      var next = null;
      if (event.key === "ArrowRight") { next = items[(index + 1) % items.length]; }
      else if (event.key === "ArrowLeft") { next = items[(index - 1 + items.length) % items.length]; }
      else if (event.key === "Home") { next = items[0]; }
      else if (event.key === "End") { next = items[items.length - 1]; }
      if (!next) { return; }
      event.preventDefault();
      items.forEach(function (b) { b.tabIndex = b === next ? 0 : -1; });
      next.focus();
      if (onMove) { onMove(next); }
    });
  }

  function enhance(textarea) {
    if (textarea.dataset.mdReady) { return; }
    textarea.dataset.mdReady = "1";
    serial += 1;
    if (!textarea.id) { textarea.id = "markdown-" + serial; }
    var id = textarea.id;
    var root = textarea.closest(".field") || textarea.parentNode;
    root.classList.add("md-editor");
    var editor = { textarea: textarea, root: root };

    var bar = element("div", "md-bar md-added");
    var tabs = element("div", "md-tabs");
    tabs.setAttribute("role", "tablist");
    tabs.setAttribute("aria-label", t("mode"));
    editor.writeTab = element("button", "md-tab", t("write"));
    editor.previewTab = element("button", "md-tab", t("preview"));
    [editor.writeTab, editor.previewTab].forEach(function (tab, i) {
      tab.type = "button";
      tab.setAttribute("role", "tab");
      tab.id = id + (i ? "-preview-tab" : "-write-tab");
      tabs.appendChild(tab);
    });
    editor.writeTab.setAttribute("aria-controls", id);
    editor.previewTab.setAttribute("aria-controls", id + "-preview");
    if (!previewUrl) { editor.previewTab.hidden = true; }  // visitors: the endpoint is for members
    bar.appendChild(tabs);

    editor.tools = element("div", "md-tools");
    editor.tools.setAttribute("role", "toolbar");
    editor.tools.setAttribute("aria-label", t("formatting"));
    editor.tools.setAttribute("aria-controls", id);
    var mentions = textarea.form && textarea.form.dataset.mentions;
    TOOLS.forEach(function (tool, i) {
      if (tool.mentions && !mentions) { return; }
      var button = element("button", "md-tool md-tool-" + tool.name);
      button.type = "button";
      button.tabIndex = i === 0 ? 0 : -1;
      var name = t(tool.name);
      var shortcut = tool.key ? " (" + (isMac ? "⌘" : "Ctrl+") + tool.key.toUpperCase() + ")" : "";
      button.setAttribute("aria-label", name);
      button.title = name + shortcut;
      if (tool.key) { button.setAttribute("aria-keyshortcuts", (isMac ? "Meta+" : "Control+") + tool.key.toUpperCase()); }
      button.appendChild(icon(tool.name));
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep the selection
      button.addEventListener("click", function () { apply(tool, textarea); });
      editor.tools.appendChild(button);
    });
    roving(editor.tools, "button");
    bar.appendChild(editor.tools);

    editor.preview = element("div", "md-preview prose md-added");
    editor.preview.id = id + "-preview";
    editor.preview.setAttribute("role", "tabpanel");
    editor.preview.setAttribute("aria-labelledby", editor.previewTab.id);
    editor.preview.tabIndex = 0;
    editor.preview.hidden = true;

    var help = element("p", "hint md-help md-added", t("help"));
    help.id = id + "-md-help";
    textarea.dataset.mdDescribedby = textarea.getAttribute("aria-describedby") || "";
    textarea.setAttribute("aria-describedby", (textarea.dataset.mdDescribedby + " " + help.id).trim());

    textarea.parentNode.insertBefore(bar, textarea);
    textarea.parentNode.insertBefore(editor.preview, textarea.nextSibling);
    editor.preview.parentNode.insertBefore(help, editor.preview.nextSibling);

    editor.writeTab.addEventListener("click", function () { select(editor, false); textarea.focus(); });
    editor.previewTab.addEventListener("click", function () { select(editor, true); });
    roving(tabs, "[role=tab]", function (tab) { select(editor, tab === editor.previewTab); });
    select(editor, false);

    textarea.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) { return; }
      var tool = TOOLS.filter(function (x) { return x.key === event.key.toLowerCase(); })[0];
      if (!tool) { return; }
      event.preventDefault();
      apply(tool, textarea);
    });
    restoreDraft(textarea);
  }

  // ---- Drafts of comments: kept in this browser, per member and thread, until posted. ----
  function draftKey(textarea) {
    var form = textarea.form;
    if (!form || !form.dataset.draft) { return null; }
    var parent = form.querySelector('input[name="parent_id"]');
    return DRAFT_PREFIX + form.dataset.draft + (parent && parent.value ? ":reply:" + parent.value : "");
  }

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }  // blocked by the browser
  }

  function forget(key) {
    var store = storage();
    if (store && key) { store.removeItem(key); }
  }

  function restoreDraft(textarea) {
    var key = draftKey(textarea);
    var store = storage();
    if (!key || !store) { return; }
    var saved = null;
    try { saved = JSON.parse(store.getItem(key) || "null"); } catch (e) { saved = null; }
    if (!saved || typeof saved.text !== "string" || Date.now() - saved.at > DRAFT_DAYS * 864e5) {
      forget(key);
      return;
    }
    if (textarea.value.trim()) { return; }  // the server kept what was sent: that wins
    textarea.value = saved.text;
    var note = element("p", "md-draft-note hint md-added", t("draftRestored") + " ");
    var discard = element("button", "link-button", t("discard"));
    discard.type = "button";
    discard.addEventListener("click", function () {
      textarea.value = "";
      forget(key);
      note.remove();
      textarea.focus();
    });
    note.appendChild(discard);
    var help = textarea.parentNode.querySelector(".md-help");
    textarea.parentNode.insertBefore(note, help ? help.nextSibling : textarea.nextSibling);
  }

  var timers = new WeakMap();
  document.addEventListener("input", function (event) {
    var textarea = event.target;
    if (textarea.tagName !== "TEXTAREA" || !draftKey(textarea)) { return; }
    clearTimeout(timers.get(textarea));
    timers.set(textarea, setTimeout(function () {
      var store = storage();
      var key = draftKey(textarea);
      if (!store || !key) { return; }
      try {
        if (textarea.value.trim()) { store.setItem(key, JSON.stringify({ text: textarea.value, at: Date.now() })); }
        else { store.removeItem(key); }
      } catch (e) { /* storage full or refused: the draft is simply not kept */ }
    }, 250));
  });

  // Posted over the socket (discussion.js): the draft is done with.
  document.addEventListener("livinglab:posted", function (event) {
    var textarea = event.target.querySelector && event.target.querySelector("textarea");
    if (!textarea) { return; }
    clearTimeout(timers.get(textarea));
    forget(draftKey(textarea));
    var note = event.target.querySelector(".md-draft-note");
    if (note) { note.remove(); }
  });

  // Posted as a plain form: forgotten once the next page shows it posted (the thread, at the
  // new comment); a page that sends it back with an error keeps the draft.
  document.addEventListener("submit", function (event) {
    var textarea = event.target.querySelector("textarea");
    var key = textarea && draftKey(textarea);
    if (!key || event.defaultPrevented) { return; }
    clearTimeout(timers.get(textarea));
    try { window.sessionStorage.setItem(SENT_KEY, key); } catch (e) { /* not kept: nothing to clear */ }
  });
  (function clearSent() {
    var key = null;
    try { key = window.sessionStorage.getItem(SENT_KEY); window.sessionStorage.removeItem(SENT_KEY); } catch (e) { key = null; }
    if (key && /^#comment-\d+$/.test(location.hash) && !document.querySelector('.comment-form [aria-invalid="true"]')) {
      forget(key);
    }
  })();

  function enhanceAll(root) {
    (root || document).querySelectorAll("textarea[data-markdown]").forEach(enhance);
  }

  // A copied form (a reply form made from the thread's form) loses the copied aids, then gets
  // editors of its own from enhance().
  function strip(root) {
    root.querySelectorAll(".md-added").forEach(function (node) { node.remove(); });
    root.querySelectorAll("textarea[data-md-ready]").forEach(function (textarea) {
      delete textarea.dataset.mdReady;
      textarea.hidden = false;
      textarea.setAttribute("aria-describedby", textarea.dataset.mdDescribedby || "");
      if (!textarea.getAttribute("aria-describedby")) { textarea.removeAttribute("aria-describedby"); }
      delete textarea.dataset.mdDescribedby;
      ["aria-controls", "aria-activedescendant", "aria-autocomplete"].forEach(function (name) {
        textarea.removeAttribute(name);  // the copied mention list is gone; pickers.js makes one
      });
    });
  }

  window.livinglabWriting = { enhance: enhanceAll, strip: strip };
  enhanceAll(document);
})();
