// Funnel suggestion on the dashboard (docs/rules.md §9.4): while a note is typed, the button of
// the funnel this member most often used for notes sharing a word gets the class "suggested".
// Only a hint: the member taps whichever funnel they like.
(function () {
  "use strict";
  var note = document.getElementById("note");
  if (!note || !note.dataset.suggestUrl) return;
  var timer = null;
  var asked = 0;

  function mark(funnelId) {
    document.querySelectorAll("button[name=funnel]").forEach(function (button) {
      var on = funnelId !== null && button.value === funnelId;
      button.classList.toggle("suggested", on);
      if (on) button.setAttribute("data-suggested", "true");
      else button.removeAttribute("data-suggested");
    });
  }

  function ask() {
    var text = note.value.trim();
    var ticket = ++asked;
    if (!text) { mark(null); return; }
    fetch(note.dataset.suggestUrl + "?note=" + encodeURIComponent(text), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) { return response.ok ? response.json() : { funnel: null }; })
      .then(function (data) { if (ticket === asked) mark(data.funnel); })
      .catch(function () { mark(null); });
  }

  note.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 250);
  });
  // The funnel list is swapped after each entry: mark the new buttons again.
  document.body.addEventListener("htmx:afterSwap", function () { if (note.value.trim()) ask(); });
})();
