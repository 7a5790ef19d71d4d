// Behaviour that htmx does not provide: error toasts, focus after swaps and the token
// expiry countdown. Loaded as a file because the Content-Security-Policy forbids inline
// scripts.
(function () {
  "use strict";

  const TOAST_MILLISECONDS = 8000;

  function showToast(message) {
    const container = document.getElementById("toasts");
    if (!container) return;
    const toast = document.createElement("div");
    toast.className = "toast";
    toast.textContent = message;
    container.appendChild(toast);
    window.setTimeout(function () { toast.remove(); }, TOAST_MILLISECONDS);
  }

  function failureMessage(detail) {
    const target = detail.target;
    const swapped = target && target.querySelector("[role=alert] strong");
    return swapped ? swapped.textContent : document.documentElement.lang === "nb"
      ? "Forespørselen mislyktes. Prøv igjen."
      : "The request failed. Try again.";
  }

  // A failed response is swapped into its target (see htmx-config in base.html). The
  // element that sent the request may be gone after that swap, and events on it would
  // not reach the document, so the toast comes from the target's afterSwap instead.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.failed) {
      event.detail.xhr.toastShown = true;
      showToast(failureMessage(event.detail));
    }
  });
  document.addEventListener("htmx:responseError", function (event) {
    if (!event.detail.xhr.toastShown) {
      showToast(failureMessage(event.detail));
    }
  });
  document.addEventListener("htmx:sendError", function () {
    showToast(document.documentElement.lang === "nb"
      ? "Fikk ikke kontakt med appen. Sjekk nettverket og prøv igjen."
      : "Could not reach the app. Check the network and try again.");
  });

  // After a click on a pager or sort link, move focus to the new results, so that keyboard
  // and screen reader users land on them instead of at the top of the page. Typing in
  // the search field keeps the focus where it is.
  document.addEventListener("htmx:afterSettle", function (event) {
    const config = event.detail.requestConfig;
    const trigger = config && config.triggeringEvent;
    const focusable = event.detail.target.querySelector("[data-focus-after-swap]");
    if (focusable && trigger && trigger.type === "click") {
      focusable.focus();
    }
  });

  function updateCountdowns() {
    const now = Date.now();
    document.querySelectorAll("time[data-countdown]").forEach(function (element) {
      const expiresAt = Date.parse(element.getAttribute("datetime"));
      if (Number.isNaN(expiresAt)) return;
      if (!element.dataset.label) element.dataset.label = element.textContent;
      const seconds = Math.max(0, Math.round((expiresAt - now) / 1000));
      const minutes = Math.floor(seconds / 60);
      const rest = String(seconds % 60).padStart(2, "0");
      const remaining = document.documentElement.lang === "nb"
        ? "om " + minutes + " min " + rest + " s"
        : "in " + minutes + " min " + rest + " s";
      element.textContent = element.dataset.label + " (" + remaining + ")";
    });
  }

  updateCountdowns();
  window.setInterval(updateCountdowns, 1000);
})();
