"""The browser side of live reload, served at /__sitegen/reload.js (only while serving).

Kept as a Python string so it ships with the package without package-data.
The script listens to the Server-Sent Events stream at /__sitegen/events:
each ``status`` event carries ``{version, building, error}``. A version other
than the one the page was served with means a newer good build: reload. An
error shows the overlay (same markup as :func:`sitegen.serve.overlay.overlay_html`,
built with textContent so nothing in a message is ever parsed as HTML); no
error removes it. Hidden tabs close their stream (browsers allow only a few
connections per host) and reconnect when shown again.
"""

from __future__ import annotations

RELOAD_JS = r"""(function () {
  "use strict";
  var script = document.currentScript;
  var loaded = Number((script && script.getAttribute("data-version")) || 0);
  var ID = "sitegen-overlay";
  var CSS = "/__sitegen/overlay.css";
  var source = null;
  var dismissed = null;

  function key(e) { return e ? e.title + "\n" + e.location + "\n" + e.message : ""; }

  function wire(el, err) {
    var b = el.querySelector("[data-sitegen-close]");
    if (b) b.addEventListener("click", function () { dismissed = key(err); el.remove(); });
  }

  function node(tag, attrs, text) {
    var n = document.createElement(tag);
    for (var k in attrs) n.setAttribute(k, attrs[k]);
    if (text !== undefined) n.textContent = text;
    return n;
  }

  // The overlay's stylesheet is loaded with the page, not when an error comes in: a link
  // added then would show the overlay unstyled until it arrives.
  function styles() {
    if (!document.querySelector('link[href="' + CSS + '"]') && document.head) {
      document.head.appendChild(node("link", {rel: "stylesheet", href: CSS}));
    }
  }

  function show(err) {
    if (dismissed === key(err)) return;
    var old = document.getElementById(ID);
    if (old && old.getAttribute("data-key") === key(err)) return;
    if (old) old.remove();
    styles();
    var el = node("div", {id: ID, role: "alertdialog", "aria-modal": "true",
                          "aria-labelledby": ID + "-title", "aria-describedby": ID + "-message"});
    el.setAttribute("data-key", key(err));
    var box = node("div", {"class": "sitegen-overlay-box"});
    box.appendChild(node("button", {type: "button", "data-sitegen-close": "", "aria-label": "Hide this message"}, "\u00d7"));
    box.appendChild(node("h2", {id: ID + "-title"}, err.title));
    if (err.location) {
      var p = node("p", {"class": "sitegen-overlay-loc"}, "in ");
      p.appendChild(node("code", {"data-sitegen-location": ""}, err.location));
      box.appendChild(p);
    }
    box.appendChild(node("pre", {id: ID + "-message"}, err.message));
    if (err.detail) {
      var d = node("details", {});
      d.appendChild(node("summary", {}, "Traceback"));
      d.appendChild(node("pre", {}, err.detail));
      box.appendChild(d);
    }
    box.appendChild(node("p", {"class": "sitegen-overlay-note"},
      "You are seeing the last good build. Fix the file and save; this page reloads by itself."));
    el.appendChild(box);
    wire(el, err);
    document.body.appendChild(el);
  }

  function clear() {
    var el = document.getElementById(ID);
    if (el) el.remove();
    dismissed = null;
  }

  function onStatus(s) {
    document.documentElement.setAttribute("data-sitegen-building", s.building ? "true" : "false");
    if (s.version > 0 && s.version !== loaded) {
      if (source) source.close();
      location.reload();
      return;
    }
    if (s.error) show(s.error); else clear();
  }

  function connect() {
    if (source || typeof EventSource === "undefined") return;
    source = new EventSource("/__sitegen/events?v=" + loaded);
    source.addEventListener("status", function (ev) {
      try { onStatus(JSON.parse(ev.data)); } catch (e) { /* malformed event: ignore */ }
    });
  }

  function disconnect() {
    if (source) { source.close(); source = null; }
  }

  var existing = document.getElementById(ID);
  if (existing) {
    var code = existing.querySelector("[data-sitegen-location]");
    var msg = document.getElementById(ID + "-message");
    var title = document.getElementById(ID + "-title");
    var seen = {title: title ? title.textContent : "", location: code ? code.textContent : "",
                message: msg ? msg.textContent : ""};
    existing.setAttribute("data-key", key(seen));
    wire(existing, seen);
  }

  styles();
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") disconnect(); else connect();
  });
  if (document.visibilityState !== "hidden") connect();
})();
"""
