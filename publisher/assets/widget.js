/* Liveline widget: keeps a live page current through the interval-polling
 * protocol. Embed with <div data-liveline-channel="C0LIVE01"></div> and
 * <script src="https://LIVELINE_HOST/widget.js" async></script>.
 * Post ids are Slack ts strings and never pass through a JS number. */
(function () {
  "use strict";
  var script = document.currentScript ||
    Array.prototype.slice.call(document.scripts).filter(function (s) {
      return /\/widget\.js(\?|$)/.test(s.src);
    })[0];
  var origin = script ? new URL(script.src, location.href).origin : location.origin;
  var CSS = "__LIVELINE_CSS__";
  var MAX_BACKOFF = 30000;
  var NOTE_AFTER_FAILURES = 3;
  var FRESH_MS = 8000;
  var lives = [];

  // compareIds orders Slack ts strings by time without floats.
  function compareIds(a, b) {
    var pa = a.split("."), pb = b.split(".");
    if (pa[0].length !== pb[0].length) return pa[0].length - pb[0].length;
    if (pa[0] !== pb[0]) return pa[0] < pb[0] ? -1 : 1;
    var fa = (pa[1] || "").padEnd(9, "0"), fb = (pb[1] || "").padEnd(9, "0");
    if (fa === fb) return 0;
    return fa < fb ? -1 : 1;
  }

  function injectStyle() {
    if (document.getElementById("liveline-style")) return;
    var style = document.createElement("style");
    style.id = "liveline-style";
    style.textContent = CSS;
    document.head.appendChild(style);
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    el.className = className;
    if (text) el.textContent = text;
    return el;
  }

  // Times: relative in the reader's language, exact in the title.
  var relative = new Intl.RelativeTimeFormat(navigator.languages, { numeric: "auto" });
  var exact = new Intl.DateTimeFormat(navigator.languages, { dateStyle: "medium", timeStyle: "short" });
  var dayAndTime = new Intl.DateTimeFormat(navigator.languages, {
    month: "short", day: "numeric", hour: "numeric", minute: "2-digit"
  });

  function relativeTime(date, now) {
    var seconds = Math.round((date - now) / 1000);
    if (seconds > -45) return relative.format(0, "second");
    var minutes = Math.round(seconds / 60);
    if (minutes > -60) return relative.format(minutes, "minute");
    var hours = Math.round(minutes / 60);
    if (hours > -24) return relative.format(hours, "hour");
    return dayAndTime.format(date);
  }

  function refreshTimes(scope) {
    var now = Date.now();
    scope.querySelectorAll("time[datetime]").forEach(function (el) {
      var date = new Date(el.getAttribute("datetime"));
      if (isNaN(date)) return;
      el.textContent = relativeTime(date, now);
      el.title = exact.format(date);
    });
  }

  // decorate prepares a post fragment for this page: absolute media URLs,
  // a permalink on the creation time and reader-local times.
  function decorate(post) {
    post.querySelectorAll("[src^='/'], [href^='/']").forEach(function (el) {
      ["src", "href"].forEach(function (name) {
        var value = el.getAttribute(name);
        if (value && value.charAt(0) === "/" && value.charAt(1) !== "/") {
          el.setAttribute(name, origin + value);
        }
      });
    });
    var created = post.querySelector(".liveline-created");
    if (created && !created.closest("a")) {
      var link = element("a", "liveline-permalink");
      link.href = "#" + post.id;
      created.replaceWith(link);
      link.appendChild(created);
    }
    refreshTimes(post);
  }

  function Live(root) {
    this.root = root;
    this.channel = root.getAttribute("data-liveline-channel");
    this.url = origin + "/live/" + encodeURIComponent(this.channel) + "/updates";
    this.interval = 3000;
    this.lastUpdate = null;
    this.failures = 0;
    this.timer = null;
    this.busy = false;
    this.loaded = false; // whether the list shows the channel's posts
    this.pending = {}; // id -> element of a new post not yet shown
    this.build();
  }

  Live.prototype.build = function () {
    var root = this.root;
    this.rendered = root.hasAttribute("data-liveline-rendered");
    this.list = root.querySelector(".liveline-posts");
    if (!this.list) {
      this.list = element("div", "liveline-posts");
      if (!this.rendered) root.textContent = "";
      root.appendChild(this.list);
    }
    this.list.setAttribute("aria-live", "polite");
    this.note = element("p", "liveline-note", "Reconnecting\u2026");
    this.note.setAttribute("role", "status");
    this.note.hidden = true;
    this.button = element("button", "liveline-new");
    this.button.type = "button";
    this.button.hidden = true;
    this.button.addEventListener("click", this.showPending.bind(this, true));
    root.insertBefore(this.note, this.list);
    root.insertBefore(this.button, this.list);
    this.posts().forEach(decorate);
  };

  Live.prototype.posts = function () {
    return Array.prototype.slice.call(this.list.querySelectorAll("[data-post-id]"));
  };

  Live.prototype.find = function (id) {
    return this.posts().filter(function (el) {
      return el.getAttribute("data-post-id") === id;
    })[0] || null;
  };

  Live.prototype.request = function (method, url) {
    return fetch(url || this.url, { method: method, cache: "no-cache", mode: "cors" })
      .then(function (res) {
        if (!res.ok) throw new Error(method + " " + res.status);
        return res;
      });
  };

  // start makes the handshake. A server-rendered list continues from the
  // clock it was rendered at, so changes made since then still arrive.
  Live.prototype.start = function () {
    var self = this;
    this.busy = true;
    this.request("POST").then(function (res) { return res.json(); }).then(function (data) {
      self.busy = false;
      self.recovered();
      self.interval = data.pollingInterval || self.interval;
      var stamp = self.root.getAttribute("data-liveline-last-update");
      if (self.rendered && stamp) {
        self.lastUpdate = parseFloat(stamp);
        self.loaded = true;
        self.poll();
      } else {
        self.lastUpdate = 0;
        self.fetchUpdates();
      }
    }).catch(function () {
      self.busy = false;
      self.fail(self.start);
    });
  };

  Live.prototype.schedule = function (delay) {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.poll.bind(this), delay);
  };

  // poll makes the cheap HEAD check and fetches updates only when the
  // channel's clock moved. It does nothing while the tab is hidden.
  Live.prototype.poll = function () {
    var self = this;
    clearTimeout(this.timer);
    if (document.hidden || this.busy) return;
    if (this.lastUpdate === null) return this.start();
    this.busy = true;
    this.request("HEAD").then(function (res) {
      self.busy = false;
      self.recovered();
      var every = parseInt(res.headers.get("Polling-Interval"), 10);
      if (every > 0) self.interval = every;
      var at = parseFloat(res.headers.get("Last-Update-At"));
      if (at > self.lastUpdate) return self.fetchUpdates();
      self.schedule(self.interval);
    }).catch(function () {
      self.busy = false;
      self.fail(self.poll);
    });
  };

  Live.prototype.fetchUpdates = function () {
    var self = this;
    var url = this.url + "?last_update_ts=" + encodeURIComponent(String(this.lastUpdate));
    var first = !this.loaded;
    this.busy = true;
    if (first) this.list.setAttribute("aria-busy", "true");
    return this.request("GET", url).then(function (res) { return res.json(); }).then(function (data) {
      self.busy = false;
      self.recovered();
      self.apply(data, first);
      self.loaded = true;
      self.lastUpdate = data.lastUpdateTimestamp;
      if (data.pollingInterval > 0) self.interval = data.pollingInterval;
      self.list.removeAttribute("aria-busy");
      self.schedule(self.interval);
    }).catch(function () {
      self.busy = false;
      self.fail(self.poll);
    });
  };

  // fail retries after an exponential backoff with jitter, capped at
  // MAX_BACKOFF, and shows the reconnecting note after a few failures.
  Live.prototype.fail = function (retry) {
    this.failures++;
    if (this.failures >= NOTE_AFTER_FAILURES) this.note.hidden = false;
    var base = Math.min(MAX_BACKOFF, this.interval * Math.pow(2, this.failures));
    clearTimeout(this.timer);
    this.timer = setTimeout(retry.bind(this), base / 2 + Math.random() * base / 2);
  };

  Live.prototype.recovered = function () {
    this.failures = 0;
    this.note.hidden = true;
  };

  // scrolledIn reports whether the reader has scrolled past the top of the
  // widget, where inserting posts would push the text they are reading.
  Live.prototype.scrolledIn = function () {
    return this.root.getBoundingClientRect().top < 0;
  };

  Live.prototype.apply = function (data, first) {
    var updates = data.updates || {};
    var direct = first || !this.scrolledIn();
    Object.keys(updates).forEach(function (id) {
      this.applyOne(id, updates[id], direct, first);
    }, this);
    var current = {};
    (data.currentPosts || []).forEach(function (id) { current[id] = true; });
    this.posts().forEach(function (el) {
      if (!current[el.getAttribute("data-post-id")]) el.remove();
    });
    Object.keys(this.pending).forEach(function (id) {
      if (!current[id]) delete this.pending[id];
    }, this);
    this.updateButton();
    var empty = this.root.querySelector(".liveline-empty");
    if (empty && this.posts().length) empty.remove();
    if (first) this.openPermalink();
  };

  Live.prototype.applyOne = function (id, update, direct, first) {
    var existing = this.find(id);
    if (!update.show) {
      if (existing) existing.remove();
      delete this.pending[id];
      return;
    }
    var tpl = document.createElement("template");
    tpl.innerHTML = update.content;
    var el = tpl.content.firstElementChild;
    if (!el || el.getAttribute("data-post-id") !== id) return;
    decorate(el);
    if (existing) {
      existing.replaceWith(el);
    } else if (direct) {
      this.insert(el, !first);
    } else {
      this.pending[id] = el;
    }
  };

  // insert places a post by its id, newest first.
  Live.prototype.insert = function (el, fresh) {
    var id = el.getAttribute("data-post-id");
    var next = this.posts().filter(function (other) {
      return compareIds(other.getAttribute("data-post-id"), id) < 0;
    })[0];
    if (next) next.before(el);
    else this.list.appendChild(el);
    if (fresh) {
      el.classList.add("liveline-fresh");
      setTimeout(function () { el.classList.remove("liveline-fresh"); }, FRESH_MS);
    }
  };

  Live.prototype.updateButton = function () {
    var count = Object.keys(this.pending).length;
    this.button.hidden = count === 0;
    this.button.textContent = count === 1 ? "1 new update" : count + " new updates";
  };

  // showPending inserts the collected posts. Pressing the button also
  // scrolls to them and moves focus to the newest one.
  Live.prototype.showPending = function (pressed) {
    var ids = Object.keys(this.pending).sort(compareIds).reverse();
    if (!ids.length) return;
    ids.forEach(function (id) { this.insert(this.pending[id], true); }, this);
    this.pending = {};
    this.updateButton();
    if (pressed !== true) return;
    var newest = this.find(ids[0]);
    newest.setAttribute("tabindex", "-1");
    newest.scrollIntoView({ block: "start" });
    newest.focus({ preventScroll: true });
  };

  Live.prototype.openPermalink = function () {
    var id = decodeURIComponent(location.hash.slice(1));
    if (id.indexOf("post-") !== 0) return;
    var post = this.find(id.slice(5));
    if (post) post.scrollIntoView({ block: "start" });
  };

  function boot() {
    injectStyle();
    document.querySelectorAll("[data-liveline-channel]").forEach(function (root) {
      if (root.__liveline) return;
      root.__liveline = new Live(root);
      lives.push(root.__liveline);
      root.__liveline.start();
    });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) return;
    lives.forEach(function (live) { live.poll(); });
  });
  window.addEventListener("scroll", function () {
    lives.forEach(function (live) { if (!live.scrolledIn()) live.showPending(false); });
  }, { passive: true });
  window.addEventListener("hashchange", function () {
    lives.forEach(function (live) { live.openPermalink(); });
  });
  setInterval(function () {
    lives.forEach(function (live) { refreshTimes(live.list); });
  }, 60000);

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
