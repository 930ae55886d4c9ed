// Choosing people by name and city, never by address: the co-author picker of the idea form
// (an ARIA 1.2 combobox over GET /members/search) and @mentions in comment boxes (suggestions
// over GET /writing/mentions: those taking part in the thread). Keyboard: Down and Up move
// through the suggestions, Enter (or Tab for a mention) chooses, Escape closes.
(function () {
  "use strict";
  if (window.livinglabPickers) { return; }  // loaded by several parts of one page
  window.livinglabPickers = true;

  function parse(text) {
    try { return JSON.parse(text || "{}"); } catch (e) { return {}; }
  }

  function format(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, function (_all, name) {
      return values[name] === undefined ? "" : String(values[name]);
    });
  }

  // Fetches JSON; an answer that is not JSON (a sign-in page, an error page) is a failure.
  function getJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || type.indexOf("application/json") !== 0) { throw new Error(String(response.status)); }
        return response.json();
      });
  }

  // One suggestion list (role=listbox) driven from a text box with aria-activedescendant.
  function Suggestions(owner, listbox, choose) {
    this.owner = owner;
    this.listbox = listbox;
    this.choose = choose;
    this.items = [];
    this.active = -1;
    var self = this;
    listbox.addEventListener("mousedown", function (event) { event.preventDefault(); });  // focus stays
    listbox.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) { self.pick(parseInt(option.dataset.index, 10)); }
    });
  }
  Suggestions.prototype.isOpen = function () { return !this.listbox.hidden && this.items.length > 0; };
  Suggestions.prototype.show = function (members, activateFirst) {
    var listbox = this.listbox;
    listbox.innerHTML = "";
    this.items = members;
    members.forEach(function (member, index) {
      var option = document.createElement("li");
      option.setAttribute("role", "option");
      option.id = listbox.id + "-" + member.id;
      option.dataset.index = String(index);
      option.setAttribute("aria-selected", "false");
      option.appendChild(document.createTextNode(member.name + " "));
      var city = document.createElement("span");
      city.className = "muted";
      city.textContent = member.city.name;
      option.appendChild(city);
      listbox.appendChild(option);
    });
    listbox.hidden = members.length === 0;
    this.setExpanded(members.length > 0);
    this.move(activateFirst && members.length ? 0 : -1);
  };
  Suggestions.prototype.setExpanded = function (open) {
    if (this.owner.getAttribute("role") === "combobox") {
      this.owner.setAttribute("aria-expanded", String(open));
    }
  };
  Suggestions.prototype.close = function () {
    this.listbox.hidden = true;
    this.listbox.innerHTML = "";
    this.items = [];
    this.setExpanded(false);
    this.move(-1);
  };
  Suggestions.prototype.move = function (index) {
    var options = this.listbox.querySelectorAll("[role=option]");
    this.active = index;
    options.forEach(function (option, i) {
      option.setAttribute("aria-selected", String(i === index));
      option.classList.toggle("active", i === index);
    });
    if (index >= 0 && options[index]) {
      this.owner.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      this.owner.removeAttribute("aria-activedescendant");
    }
  };
  Suggestions.prototype.step = function (delta) {
    var n = this.items.length;
    if (!n) { return; }
    this.move(this.active < 0 ? (delta > 0 ? 0 : n - 1) : (this.active + delta + n) % n);
  };
  Suggestions.prototype.pick = function (index) {
    var member = this.items[index];
    if (member) { this.choose(member); }
  };

  // ---- Co-authors: a combobox that adds ticked checkboxes named "coauthors". ----
  function MemberPicker(root) {
    var input = root.querySelector('input[type="text"]');
    var listbox = root.querySelector("[role=listbox]");
    var picked = root.querySelector("[data-picked]");
    var status = root.querySelector("[data-picker-status]");
    var labels = parse(root.dataset.labels);
    var url = root.dataset.searchUrl;
    if (!input || !listbox || !picked || !url) { return; }
    var find = root.querySelector("[data-picker-find]");
    if (find) { find.remove(); }  // the no-script search: the combobox searches as one types
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    var more = document.createElement("p");
    more.className = "hint picker-more";
    more.hidden = true;
    more.textContent = labels.more || "";
    listbox.parentNode.appendChild(more);

    var timer = null;
    var asked = 0;
    function chosenIds() {
      return Array.prototype.map.call(picked.querySelectorAll('input[name="coauthors"]'), function (box) {
        return box.checked ? box.value : null;
      });
    }
    function say(text) { status.textContent = text; }

    var suggestions = new Suggestions(input, listbox, function (member) {
      var existing = picked.querySelector('input[value="' + member.id + '"]');
      if (existing) {
        existing.checked = true;
      } else {
        var item = document.createElement("li");
        var box = document.createElement("input");
        box.type = "checkbox";
        box.name = "coauthors";
        box.value = String(member.id);
        box.id = "coauthor-" + member.id;
        box.checked = true;
        var label = document.createElement("label");
        label.htmlFor = box.id;
        label.appendChild(document.createTextNode(member.name + " "));
        var city = document.createElement("span");
        city.className = "muted";
        city.textContent = member.city.name;
        label.appendChild(city);
        item.appendChild(box);
        item.appendChild(document.createTextNode(" "));
        item.appendChild(label);
        picked.appendChild(item);
      }
      input.value = "";
      suggestions.close();
      more.hidden = true;
      say(format(labels.chosen, { name: member.name }));
      input.focus();
    });

    function search() {
      var words = input.value.trim();
      asked += 1;
      var mine = asked;
      if (!words) { suggestions.close(); more.hidden = true; return; }
      getJson(url + (url.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(words))
        .then(function (data) {
          if (mine !== asked) { return; }  // a later search is on its way
          var taken = chosenIds();
          var members = data.members.filter(function (m) { return taken.indexOf(String(m.id)) === -1; });
          suggestions.show(members, false);
          more.hidden = !data.has_more;
          if (!members.length) { say(labels.none); }
          else { say(format(members.length === 1 ? labels.foundOne : labels.found, { num: members.length })); }
        })
        .catch(function () { if (mine === asked) { suggestions.close(); say(labels.failed); } });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!suggestions.isOpen()) { search(); return; }
        suggestions.step(event.key === "ArrowDown" ? 1 : -1);
      } else if (event.key === "Enter") {
        // Never sends the whole idea form from the search box.
        if (input.value.trim() || suggestions.isOpen()) { event.preventDefault(); }
        if (suggestions.isOpen() && suggestions.active >= 0) { suggestions.pick(suggestions.active); }
        else if (input.value.trim()) { clearTimeout(timer); search(); }
      } else if (event.key === "Escape") {
        if (suggestions.isOpen()) { event.preventDefault(); suggestions.close(); more.hidden = true; }
        else if (input.value) { event.preventDefault(); input.value = ""; }
      }
    });
    input.addEventListener("blur", function () {
      setTimeout(function () { if (document.activeElement !== input) { suggestions.close(); more.hidden = true; } }, 150);
    });
  }

  document.querySelectorAll("[data-member-picker]").forEach(MemberPicker);

  // ---- @mentions in comment boxes (reply boxes are copies: every listener is delegated). ----
  var MENTION = /(^|[^\w@])@([\p{L}\p{N}_]{0,40})$/u;
  var states = new WeakMap();
  var serial = 0;

  function mentionState(textarea) {
    var state = states.get(textarea);
    if (state) { return state; }
    serial += 1;
    var listbox = document.createElement("ul");
    listbox.id = "mention-options-" + serial;
    listbox.className = "picker-options mention-options md-added";
    listbox.setAttribute("role", "listbox");
    listbox.hidden = true;
    var form = textarea.form;
    var labels = parse(form.dataset.mentionLabels);
    listbox.setAttribute("aria-label", labels.listLabel || "@");
    textarea.insertAdjacentElement("afterend", listbox);
    textarea.setAttribute("aria-autocomplete", "list");
    textarea.setAttribute("aria-controls", listbox.id);
    state = { asked: 0, timer: null, start: -1, labels: labels };
    state.suggestions = new Suggestions(textarea, listbox, function (member) {
      var caret = textarea.selectionStart;
      textarea.focus();
      textarea.setSelectionRange(state.start, caret);
      var text = "@" + member.mention + " ";
      var done = false;
      try { done = document.execCommand("insertText", false, text); } catch (e) { done = false; }
      if (!done) {
        textarea.setRangeText(text, state.start, caret, "end");
        textarea.dispatchEvent(new Event("input", { bubbles: true }));
      }
      state.suggestions.close();
      say(textarea, format(labels.chosen, { name: member.name }));
    });
    states.set(textarea, state);
    return state;
  }

  function say(textarea, text) {
    var status = textarea.form.querySelector("[data-mention-status]");
    if (status) { status.textContent = text; }
  }

  function mentionBox(target) {
    return target && target.tagName === "TEXTAREA" && target.form && target.form.dataset.mentions ? target : null;
  }

  function suggest(textarea) {
    var state = mentionState(textarea);
    var before = textarea.value.slice(0, textarea.selectionStart);
    var match = textarea.selectionStart === textarea.selectionEnd ? MENTION.exec(before) : null;
    state.asked += 1;
    var mine = state.asked;
    if (!match) { state.suggestions.close(); return; }
    state.start = before.length - match[2].length - 1;
    var url = textarea.form.dataset.mentions;
    getJson(url + (url.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(match[2]))
      .then(function (data) {
        if (mine !== state.asked) { return; }
        state.suggestions.show(data.members, true);
        var n = data.members.length;
        say(textarea, n ? format(n === 1 ? state.labels.foundOne : state.labels.found, { num: n }) : state.labels.none);
      })
      .catch(function () { if (mine === state.asked) { state.suggestions.close(); } });
  }

  document.addEventListener("input", function (event) {
    var textarea = mentionBox(event.target);
    if (!textarea) { return; }
    var state = mentionState(textarea);
    clearTimeout(state.timer);
    state.timer = setTimeout(function () { suggest(textarea); }, 150);
  });

  document.addEventListener("keydown", function (event) {
    var textarea = mentionBox(event.target);
    var state = textarea && states.get(textarea);
    if (!state || !state.suggestions.isOpen()) { return; }
    var suggestions = state.suggestions;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      suggestions.step(event.key === "ArrowDown" ? 1 : -1);
    } else if ((event.key === "Enter" || event.key === "Tab") && suggestions.active >= 0 && !event.shiftKey) {
      event.preventDefault();
      suggestions.pick(suggestions.active);
    } else if (event.key === "Escape") {
      event.preventDefault();
      state.asked += 1;
      suggestions.close();
    }
  });

  document.addEventListener("focusout", function (event) {
    var textarea = mentionBox(event.target);
    var state = textarea && states.get(textarea);
    if (!state) { return; }
    setTimeout(function () {
      if (document.activeElement !== textarea) { state.asked += 1; state.suggestions.close(); }
    }, 150);
  });
})();
