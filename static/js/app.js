// Funnels: progressive enhancement on top of htmx. Every page works without this file.
// Money math here is integer cents only: never floats.
(function () {
  "use strict";

  var AMOUNT = /^\+?(\d{0,10})(?:\.(\d{0,2}))?$/;
  var TOAST_SECONDS = 10;

  // Typed amount -> integer cents, accepting what the server accepts for everyday input:
  // "12,5", "12.50", "1 234,50", ".5"; anything else -> null (no preview).
  function parseCents(text) {
    var compact = String(text || "").replace(/[\s\u00a0]/g, "");
    if (compact.split(",").length === 2 && compact.indexOf(".") === -1) {
      compact = compact.replace(",", ".");
    }
    var match = AMOUNT.exec(compact);
    if (!match || (match[1] === "" && !match[2])) return null;
    var fraction = (match[2] || "").padEnd(2, "0");
    return Number(match[1] || "0") * 100 + Number(fraction);
  }

  // 123456 -> "1,234.56"; negatives get a real minus sign, like the money filter.
  function formatCents(cents) {
    var negative = cents < 0;
    var absolute = Math.abs(cents);
    var whole = String(Math.floor(absolute / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    var rest = String(absolute % 100).padStart(2, "0");
    return (negative ? "\u2212" : "") + whole + "." + rest;
  }

  function updatePreview() {
    var input = document.getElementById("amount");
    if (!input) return;
    var cents = parseCents(input.value);
    var show = cents !== null && cents > 0;
    document.querySelectorAll("#funnel-list [data-daily-cents]").forEach(function (row) {
      var preview = row.querySelector(".preview");
      if (!preview) return;
      preview.hidden = !show;
      if (show) {
        var after = Number(row.getAttribute("data-daily-cents")) - cents;
        var output = preview.querySelector("[data-preview]");
        output.textContent = formatCents(after);
        output.classList.toggle("negative", after < 0);
      }
    });
  }

  function clearEntry() {
    var form = document.getElementById("entry");
    if (!form) return;
    ["amount", "note", "spent_at"].forEach(function (id) {
      var field = document.getElementById(id);
      if (field) field.value = "";
    });
    var hidden = document.getElementById("private");
    if (hidden) hidden.checked = false;
    var details = form.querySelector("details");
    if (details) details.open = false;
    var amount = document.getElementById("amount");
    amount.removeAttribute("aria-invalid");
    amount.focus();
    updatePreview();
  }

  var toastTimer = null;
  function armToast() {
    var toast = document.getElementById("toast");
    if (!toast || !toast.firstElementChild) return;
    if (toastTimer) window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(function () {
      toast.replaceChildren();
    }, TOAST_SECONDS * 1000);
  }

  document.addEventListener("input", function (event) {
    if (event.target && event.target.id === "amount") updatePreview();
    // Using the native colour picker selects the "own colour" choice.
    if (event.target && event.target.id === "color_custom") {
      var radio = document.getElementById("color-custom-radio");
      if (radio) radio.checked = true;
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var source = event.detail.elt;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    // The form itself (a funnel button) or its Income button, which posts elsewhere.
    if (source && source.closest && source.closest("#entry")) {
      if (status === 200) {
        clearEntry();
      } else if (status === 422) {
        var amount = document.getElementById("amount");
        amount.setAttribute("aria-invalid", "true");
        amount.focus();
      }
    }
  });

  // No answer at all (offline, server down): say so where the form shows its errors.
  document.addEventListener("htmx:sendError", function () {
    var errors = document.getElementById("entry-errors");
    if (!errors) return;
    var message = document.createElement("p");
    message.className = "error";
    message.textContent = "No connection: nothing was saved. Try again when you are online.";
    errors.replaceChildren(message);
  });

  document.addEventListener("htmx:afterSettle", function () {
    updatePreview();
    armToast();
  });

  document.addEventListener("DOMContentLoaded", function () {
    updatePreview();
    armToast();
  });

  if ("serviceWorker" in navigator && window.isSecureContext) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
        // No offline page then; the app itself works the same.
      });
    });
  }

  window.Funnels = { parseCents: parseCents, formatCents: formatCents };
})();
