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
  var MAX_BACKOFF = 60000;

  // compareIds orders Slack ts strings by time without floats.
  function compareIds(a, b) {
    var pa = a.split("."), pb = b.split(".");
    if (pa[0].length !== pb[0].length) return pa[0].length - pb[0].length;
    if (pa[0] !== pb[0]) return pa[0] < pb[0] ? -1 : 1;
    var fa = (pa[1] || "").padEnd(9, "0"), fb = (pb[1] || "").padEnd(9, "0");
    if (fa === fb) return 0;
    return fa < fb ? -1 : 1;
  }

  function Live(root) {
    this.root = root;
    this.channel = root.getAttribute("data-liveline-channel");
    this.url = origin + "/live/" + encodeURIComponent(this.channel) + "/updates";
    this.interval = 3000;
    this.lastUpdate = null;
    this.failures = 0;
    this.timer = null;
  }

  Live.prototype.posts = function () {
    return this.root.querySelectorAll("[data-post-id]");
  };

  Live.prototype.find = function (id) {
    var all = this.posts();
    for (var i = 0; i < all.length; i++) {
      if (all[i].getAttribute("data-post-id") === id) return all[i];
    }
    return null;
  };

  Live.prototype.start = function () {
    var self = this;
    fetch(this.url, { method: "POST" }).then(function (res) {
      if (!res.ok) throw new Error("handshake status " + res.status);
      return res.json();
    }).then(function (data) {
      self.failures = 0;
      self.interval = data.pollingInterval || self.interval;
      if (self.root.hasAttribute("data-liveline-rendered")) {
        self.lastUpdate = data.lastUpdateTimestamp;
        self.schedule(self.interval);
      } else {
        self.lastUpdate = 0;
        self.fetchUpdates();
      }
    }).catch(function () { self.fail(function () { self.start(); }); });
  };

  Live.prototype.schedule = function (delay) {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.check(); }, delay);
  };

  Live.prototype.fail = function (retry) {
    this.failures++;
    var base = Math.min(MAX_BACKOFF, this.interval * Math.pow(2, this.failures));
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(retry.bind(self), base / 2 + Math.random() * base / 2);
  };

  Live.prototype.check = function () {
    var self = this;
    if (document.hidden) return;
    fetch(this.url, { method: "HEAD", cache: "no-cache" }).then(function (res) {
      if (!res.ok) throw new Error("check status " + res.status);
      self.failures = 0;
      var at = parseFloat(res.headers.get("Last-Update-At"));
      if (at > self.lastUpdate) return self.fetchUpdates();
      self.schedule(self.interval);
    }).catch(function () { self.fail(self.check); });
  };

  Live.prototype.fetchUpdates = function () {
    var self = this;
    var url = this.url + "?last_update_ts=" + encodeURIComponent(String(this.lastUpdate));
    return fetch(url, { cache: "no-cache" }).then(function (res) {
      if (!res.ok) throw new Error("updates status " + res.status);
      return res.json();
    }).then(function (data) {
      self.failures = 0;
      self.apply(data);
      self.lastUpdate = data.lastUpdateTimestamp;
      if (data.pollingInterval) self.interval = data.pollingInterval;
      self.schedule(self.interval);
    }).catch(function () { self.fail(self.check); });
  };

  Live.prototype.apply = function (data) {
    var ids = Object.keys(data.updates || {});
    for (var i = 0; i < ids.length; i++) this.applyOne(ids[i], data.updates[ids[i]]);
    var current = {};
    (data.currentPosts || []).forEach(function (id) { current[id] = true; });
    Array.prototype.slice.call(this.posts()).forEach(function (el) {
      if (!current[el.getAttribute("data-post-id")]) el.remove();
    });
    var empty = this.root.querySelector(".liveline-empty");
    if (empty && this.posts().length) empty.remove();
  };

  Live.prototype.applyOne = function (id, update) {
    var existing = this.find(id);
    if (!update.show) {
      if (existing) existing.remove();
      return;
    }
    var tpl = document.createElement("template");
    tpl.innerHTML = update.content;
    var el = tpl.content.firstElementChild;
    if (!el) return;
    if (existing) {
      existing.replaceWith(el);
      return;
    }
    var all = this.posts();
    for (var i = 0; i < all.length; i++) {
      if (compareIds(all[i].getAttribute("data-post-id"), id) < 0) {
        all[i].before(el);
        return;
      }
    }
    this.root.appendChild(el);
  };

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) return;
    lives.forEach(function (live) { if (live.lastUpdate !== null) live.check(); });
  });

  var lives = [];
  function boot() {
    document.querySelectorAll("[data-liveline-channel]").forEach(function (root) {
      if (root.__liveline) return;
      root.__liveline = new Live(root);
      lives.push(root.__liveline);
      root.__liveline.start();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
