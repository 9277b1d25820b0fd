// Practice page enhancements: live word counts, speaking time and STAR balance, the session
// timer, keyboard rating, and never losing typed text on navigation. The page works without it.
(function () {
  "use strict";
  var WPM = 140;
  var WORD_RE = /[\w'’-]+/gu;
  var STAR = ["situation", "task", "action", "result"];

  function words(text) {
    var m = text.match(WORD_RE);
    return m ? m.length : 0;
  }

  function mmss(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return h ? h + ":" + pad(m) + ":" + pad(s) : m + ":" + pad(s);
  }

  // Same rules as practice.models.star_hint.
  function starHint(b) {
    if (!b) return "Aim for about 60% of your words on Action and keep Situation + Task to about 20–25%.";
    if (b.action < 45) return "Put more into Action: aim for about 60% of your words on what you did.";
    if (b.situation + b.task > 35) return "Situation and Task run long: trim them to about a fifth of the answer.";
    if (b.result < 8) return "Say how it ended: give the Result a sentence or two, with numbers if you can.";
    return "Good balance: most of the answer is about what you did.";
  }

  function updateCounts(root) {
    var counts = {};
    root.querySelectorAll("textarea[data-words]").forEach(function (area) {
      var n = words(area.value);
      counts[area.dataset.words] = n;
      var label = root.querySelector('[data-count-for="' + area.dataset.words + '"]');
      if (label) label.textContent = n + (n === 1 ? " word" : " words");
    });
    var total = 0;
    Object.keys(counts).forEach(function (k) { if (k !== "notes") total += counts[k]; });
    var totalEl = root.querySelector("[data-total-words]");
    if (totalEl) totalEl.textContent = total;
    var speakEl = root.querySelector("[data-speaking]");
    if (speakEl) speakEl.textContent = mmss(total * 60 / WPM);
    var bar = root.querySelector("[data-balance]");
    if (bar) {
      var sum = STAR.reduce(function (acc, p) { return acc + (counts[p] || 0); }, 0);
      var balance = null;
      if (sum) {
        balance = {};
        STAR.forEach(function (p) { balance[p] = Math.round(100 * (counts[p] || 0) / sum); });
      }
      STAR.forEach(function (p) {
        var seg = bar.querySelector(".b-" + p);
        if (seg) seg.style.flexGrow = balance ? String(balance[p]) : "1";
      });
      var hint = root.querySelector("[data-star-hint]");
      if (hint) hint.textContent = starHint(balance);
    }
  }

  // Timer: counts time on the page while it is visible; elapsed goes along with saves and ratings.
  var timer = null;
  function startTimer(root) {
    if (timer) clearInterval(timer);
    var budget = parseInt(root.dataset.budget || "", 10);
    var elapsed = parseInt(root.dataset.elapsed || "0", 10) || 0;
    var label = root.querySelector("[data-timer-label]");
    var value = root.querySelector("[data-timer]");
    var box = root.querySelector("#timer");
    function render() {
      root.querySelectorAll('input[name="elapsed"]').forEach(function (i) { i.value = elapsed; });
      if (!value) return;
      if (budget) {
        var left = budget - elapsed;
        value.textContent = mmss(Math.abs(left));
        if (label) label.textContent = left >= 0 ? "Time left" : "Over by";
        if (box) box.classList.toggle("timer-over", left < 0);
      } else {
        value.textContent = mmss(elapsed);
      }
    }
    render();
    timer = setInterval(function () {
      if (!document.body.contains(root)) { clearInterval(timer); return; }
      if (document.visibilityState === "visible") { elapsed += 1; render(); }
    }, 1000);
  }

  var dirty = false;
  function init() {
    var root = document.querySelector("[data-attempt]");
    if (!root) return;
    dirty = false;
    updateCounts(root);
    startTimer(root);
    var balance = root.querySelector("[data-balance]");
    if (balance) balance.hidden = false;
  }

  document.addEventListener("input", function (event) {
    var area = event.target.closest("textarea[data-words]");
    if (!area) return;
    dirty = true;
    updateCounts(area.closest("[data-attempt]") || document);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = document.getElementById("answer-form");
    if (form && event.detail.elt === form && event.detail.successful) dirty = false;
  });

  // Leaving the question before the autosave fired: save first, so nothing typed is lost.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-nav]");
    var form = document.getElementById("answer-form");
    if (link && form && dirty && window.htmx) {
      window.htmx.trigger(form, "submit");
      dirty = false;
    }
  }, true);
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });

  // Keys 1-4 rate the answer, when the user is not typing.
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    if (!/^[1-4]$/.test(event.key)) return;
    var button = document.querySelector('.rate-button[aria-keyshortcuts="' + event.key + '"]');
    if (button) { event.preventDefault(); dirty = false; button.click(); }
  });

  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.elt && (event.detail.elt.id === "attempt-body" || event.detail.elt.querySelector && event.detail.elt.querySelector("[data-attempt]"))) init();
  });
})();
