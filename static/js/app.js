// Funnels: progressive enhancement on top of htmx. Every page works without this file.
// Money math here is integer cents only: never floats.
(function () {
  "use strict";

  var TOAST_SECONDS = 10;

  // "1,234,567" with "," -> "1234567"; null unless groups are 1-3 digits then exactly 3.
  function grouped(text, separator) {
    var groups = text.split(separator);
    if (!/^\d{1,3}$/.test(groups[0])) return null;
    for (var i = 1; i < groups.length; i++) {
      if (!/^\d{3}$/.test(groups[i])) return null;
    }
    return groups.join("");
  }

  // Typed amount -> integer cents, or null where the server would refuse it. The exact mirror
  // of amount_text_normalized + to_money(typed=True) in funnels/fields.py (a test feeds both
  // the same table): "1,234.50", "1 234,50", "1.234,50", "12,345", "12,5", ".5".
  function parseCents(text) {
    var compact = String(text === undefined || text === null ? "" : text).replace(/[\s\u00a0\u202f]/g, "");
    var negative = false;
    if (compact.charAt(0) === "+" || compact.charAt(0) === "-") {
      negative = compact.charAt(0) === "-";
      compact = compact.slice(1);
    }
    if (!/^[\d.,]+$/.test(compact)) return null;
    var separators = compact.replace(/\d/g, "");
    var last = Math.max(compact.lastIndexOf("."), compact.lastIndexOf(","));
    var whole, fraction = "";
    if (!separators) {
      whole = compact;
    } else if (separators.indexOf(".") !== -1 && separators.indexOf(",") !== -1) {
      var decimal = compact.charAt(last);
      if (compact.split(decimal).length > 2) return null;
      whole = grouped(compact.slice(0, last), decimal === "." ? "," : ".");
      fraction = compact.slice(last + 1);
    } else if (separators.length > 1) {
      whole = grouped(compact, separators.charAt(0));
    } else if (last > 0 && compact.length - last - 1 === 3) {
      whole = grouped(compact, separators.charAt(0));
    } else {
      whole = compact.slice(0, last);
      fraction = compact.slice(last + 1);
    }
    if (whole === null || (whole === "" && fraction === "")) return null;
    whole = whole.replace(/^0+/, "");
    fraction = fraction.replace(/0+$/, "");
    if (whole.length > 10 || fraction.length > 2) return null;
    var cents = Number(whole || "0") * 100 + Number(fraction.padEnd(2, "0"));
    return negative && cents !== 0 ? -cents : cents;
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
        var after = Number(row.getAttribute("data-daily-cents")) - pendingFor(row.getAttribute("data-funnel")) - cents;
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
  // Only one message at a time: a new error replaces a stale "Saved …".
  function clearToast() {
    var toast = document.getElementById("toast");
    if (toast) toast.replaceChildren();
    if (toastTimer) window.clearTimeout(toastTimer);
  }

  function armToast() {
    var toast = document.getElementById("toast");
    if (!toast || !toast.firstElementChild) return;
    if (toastTimer) window.clearTimeout(toastTimer);
    // An undo offer lasts as long as it says (the server's token lifetime); a note 10 s.
    var undo = toast.querySelector("[data-seconds]");
    var seconds = undo ? Number(undo.getAttribute("data-seconds")) : TOAST_SECONDS;
    toastTimer = window.setTimeout(function () {
      toast.replaceChildren();
    }, seconds * 1000);
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
      if (status === 202) {
        // Kept by the service worker for later (no network): say so, and show it as pending.
        var saved = document.createElement("p");
        saved.className = "saved";
        saved.textContent = "No connection: kept on this device, sent when you are back online.";
        clearToast();
        document.getElementById("toast").replaceChildren(saved);
        armToast();
        clearEntry();
      } else if (status === 200) {
        clearEntry();
      } else if (status === 422) {
        var amount = document.getElementById("amount");
        amount.setAttribute("aria-invalid", "true");
        amount.focus();
        clearToast();
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
    clearToast();
  });

  // After a delete or an undo the next thing is typing an amount again. The link or button that
  // asked is swapped away with its region, so remember the wish before the request goes out.
  var refocusAmount = false;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var source = event.detail.elt;
    refocusAmount = Boolean(source && source.closest && (source.closest(".undo") || source.closest("#recent")));
  });

  document.addEventListener("htmx:afterSettle", function () {
    showPending();
    showRefused();
    updatePreview();
    armToast();
    if (refocusAmount) {
      refocusAmount = false;
      var field = document.getElementById("amount");
      if (field) field.focus();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    updatePreview();
    armToast();
  });

  // Copy and share buttons of invite and re-enrolment links: shown only where the browser can.
  function showShareButtons() {
    document.querySelectorAll("[data-share-url]").forEach(function (box) {
      var copy = box.querySelector("[data-copy]");
      var share = box.querySelector("[data-share]");
      if (copy && navigator.clipboard && window.isSecureContext) copy.hidden = false;
      if (share && navigator.share) share.hidden = false;
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest && event.target.closest("[data-copy], [data-share]");
    if (!button) return;
    var box = button.closest("[data-share-url]");
    var url = box.getAttribute("data-share-url");
    var status = box.querySelector(".share-status");
    if (button.hasAttribute("data-copy")) {
      navigator.clipboard.writeText(url).then(
        function () { status.textContent = "Copied."; },
        function () { status.textContent = "Could not copy: select the link instead."; }
      );
    } else {
      navigator.share({ title: box.getAttribute("data-share-title"), url: url }).catch(function () {
        // Closing the share sheet is not an error worth a message.
      });
    }
  });

  document.addEventListener("DOMContentLoaded", showShareButtons);

  // First run: suggest this browser's time zone while the field still holds the default.
  document.addEventListener("DOMContentLoaded", function () {
    var field = document.querySelector("[data-suggest-timezone]");
    if (!field || !window.Intl) return;
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && (field.value === "" || field.value === "UTC")) field.value = zone;
  });

  if ("serviceWorker" in navigator && window.isSecureContext) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
        // No offline page then; the app itself works the same.
      });
    });
  }

  // The offline queue (docs/rules.md §11.2). The service worker keeps spendings saved without a network
  // in Workbox's queue and sends each page the list ({type: "pending", items, blockedBy}); this
  // page shows them as pending and counts them in its figures until they are sent.
  var pending = { items: [], refused: [], blockedBy: "", waitsFor: "" };

  // Only what the member signed in on this page typed is shown and counted here.
  function pendingMine(mine) {
    var status = document.getElementById("pending-status");
    var me = status ? status.getAttribute("data-member") : "";
    return pending.items.filter(function (item) {
      return (!item.member || item.member === me) === mine;
    });
  }

  function plural(count) {
    return count + (count === 1 ? " pending spending" : " pending spendings");
  }

  function pendingFor(funnel) {
    var sum = 0;
    pendingMine(true).forEach(function (item) {
      var cents = parseCents(item.amount);
      if (cents !== null && (funnel === null || item.funnel === funnel)) sum += cents;
    });
    return sum;
  }

  function pendingRow(item) {
    var row = document.createElement("li");
    row.className = "spending pending";
    var funnel = document.getElementById("funnel-" + item.funnel);
    var emoji = document.createElement("span");
    emoji.className = "emoji";
    emoji.setAttribute("aria-hidden", "true");
    emoji.textContent = funnel ? funnel.querySelector(".emoji").textContent : "";
    var what = document.createElement("span");
    what.className = "what";
    var amount = document.createElement("strong");
    amount.className = "amount";
    amount.textContent = formatCents(parseCents(item.amount) || 0);
    what.append(amount, " " + (funnel ? funnel.querySelector(".label").textContent : ""));
    var small = document.createElement("small");
    var made = new Date(item.made_at);
    var when = isNaN(made) ? "" : made.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + " · ";
    small.textContent = when + "pending: not sent yet" + (item.note ? " · " + item.note : "");
    what.append(small);
    row.append(emoji, what);
    return row;
  }

  function showPending() {
    document.querySelectorAll("[data-cents][data-pending-funnel], [data-cents][data-pending-total]").forEach(function (figure) {
      var total = figure.hasAttribute("data-pending-total");
      var cents = Number(figure.getAttribute("data-cents")) - pendingFor(total ? null : figure.getAttribute("data-pending-funnel"));
      figure.textContent = formatCents(cents);
      figure.classList.toggle("negative", cents < 0);
    });
    var list = document.querySelector("#recent .spendings");
    var status = document.getElementById("pending-status");
    var mine = pendingMine(true);
    var others = pendingMine(false);
    if (list) {
      list.querySelectorAll(".pending").forEach(function (row) { row.remove(); });
      mine.forEach(function (item) { list.prepend(pendingRow(item)); });
      var empty = list.querySelector(".empty");
      if (empty) empty.hidden = mine.length > 0;
    }
    // The sign-in page has the status line too (nobody signed in: every item waits for its member).
    if (!status) return;
    // Said again only when it changes (the worker reports after every try).
    var said = [mine.length, others.length, pending.blockedBy, pending.waitsFor].join(" ");
    if (status.getAttribute("data-said") === said) return;
    status.setAttribute("data-said", said);
    status.hidden = mine.length + others.length === 0;
    var parts = [];
    if (mine.length && pending.blockedBy === "signin") {
      var link = document.createElement("a");
      link.href = status.getAttribute("data-login-url");
      link.textContent = "Sign in";
      parts.push(link, " to send " + plural(mine.length) + ".");
    } else if (mine.length) {
      parts.push(plural(mine.length) + " kept on this device, sent when you are back online.");
    }
    if (others.length) {
      var who = pending.waitsFor || others[0].member;
      parts.push((parts.length ? " " : "") + plural(others.length) + " typed by " + who + " on this device " + (others.length === 1 ? "waits" : "wait") + " until " + who + " signs in here.");
    }
    status.replaceChildren.apply(status, parts);
  }

  // Kept offline, then refused by the server for good: shown (with why) until dismissed.
  function showRefused() {
    var box = document.getElementById("pending-refused");
    if (!box) return;
    var said = JSON.stringify(pending.refused);
    if (box.getAttribute("data-said") === said) return;
    box.setAttribute("data-said", said);
    box.hidden = pending.refused.length === 0;
    var lines = pending.refused.map(function (item) {
      var line = document.createElement("li");
      var funnel = document.getElementById("funnel-" + item.funnel);
      var name = funnel ? " " + funnel.querySelector(".label").textContent : "";
      line.textContent = "Not saved: " + item.amount + name + ". " + (item.reason || "The server refused it.");
      return line;
    });
    var list = document.createElement("ul");
    list.replaceChildren.apply(list, lines);
    var dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "secondary";
    dismiss.setAttribute("data-dismiss-refused", "");
    dismiss.textContent = "Dismiss";
    box.replaceChildren(list, dismiss);
  }

  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("[data-dismiss-refused]")) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage({ type: "dismiss" });
    });
  });

  // A page fresh from the server hands the worker its CSRF token (a sign-in rotates it); the
  // copy shown offline must not, its token may be stale.
  function csrfToken() {
    var copy = document.getElementById("last-seen");
    if (copy && !copy.hidden) return null;
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"] || null;
    } catch (error) {
      return null;
    }
  }

  function sendPending() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage({ type: "send", csrf: csrfToken() });
    });
  }

  // Every tap carries the spending's id, so that a retry, or the offline queue sent hours later,
  // saves it once (the worker adds the moment of the tap when it queues it).
  document.addEventListener("htmx:configRequest", function (event) {
    var source = event.detail.elt;
    var form = source && source.closest ? source.closest("#entry") : null;
    if (!form || event.detail.path !== form.getAttribute("hx-post")) return;
    if (!window.crypto || !crypto.randomUUID) return;
    // An amount the server would refuse gets no id: the worker does not queue it, so offline the
    // page says nothing was saved (and online the server says why) instead of keeping it.
    var amount = parseCents(document.getElementById("amount").value);
    if (amount === null || amount <= 0) return;
    var parameters = event.detail.parameters;
    if (typeof parameters.set === "function") parameters.set("client_id", crypto.randomUUID());
    else parameters.client_id = crypto.randomUUID();
  });

  // How many times the worker has reported on its queue since this page loaded: it reports after
  // every try to send, so a report after a load means that load's try is over.
  var reports = 0;

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      var data = event.data || {};
      if (data.type !== "pending") return;
      reports += 1;
      document.documentElement.setAttribute("data-queue-reports", String(reports));
      pending = { items: data.items || [], refused: data.refused || [], blockedBy: data.blockedBy || "", waitsFor: data.waitsFor || "" };
      showPending();
      showRefused();
      updatePreview();
    });
    window.addEventListener("online", sendPending);
    document.addEventListener("DOMContentLoaded", sendPending);
  }

  window.Funnels = { parseCents: parseCents, formatCents: formatCents };
})();
