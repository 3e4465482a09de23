// The ticket page: keyboard shortcuts, the public-reply/internal-note switch and the reply
// templates. Everything is delegated to the document, so it keeps working after htmx swaps.
(function () {
  "use strict";

  function box() { return document.getElementById("reply-box"); }
  function textarea() { const b = box(); return b && b.querySelector("textarea"); }

  function syncKind() {
    const b = box();
    if (!b) return;
    const note = b.querySelector("input[name='reply-kind'][value='note']");
    b.classList.toggle("is-note", !!(note && note.checked));
  }

  function setKind(kind) {
    const b = box();
    if (!b) return;
    const input = b.querySelector("input[name='reply-kind'][value='" + kind + "']");
    if (input) { input.checked = true; syncKind(); }
  }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function insertAtCursor(area, text) {
    const start = area.selectionStart ?? area.value.length;
    const end = area.selectionEnd ?? area.value.length;
    area.value = area.value.slice(0, start) + text + area.value.slice(end);
    area.selectionStart = area.selectionEnd = start + text.length;
    area.dispatchEvent(new Event("input", { bubbles: true }));
    area.focus();
  }

  document.addEventListener("change", function (event) {
    const target = event.target;
    if (target.name === "reply-kind") syncKind();
    if (target.id === "reply-template" && target.value) {
      const option = target.selectedOptions[0];
      const language = option && option.dataset.language ? option.dataset.language : "";
      const url = target.dataset.url + "?template=" + encodeURIComponent(target.value) +
        (language ? "&language=" + encodeURIComponent(language) : "");
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          const area = textarea();
          if (data && area) insertAtCursor(area, data.text);
          target.value = "";
        });
    }
  });

  document.addEventListener("keydown", function (event) {
    const area = textarea();
    // Ctrl+Enter (or ⌘+Enter) sends from the reply box.
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && area && event.target === area) {
      event.preventDefault();
      const form = area.closest("form");
      if (form) form.requestSubmit();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (event.key === "r" && area) {
      event.preventDefault();
      setKind("reply");
      area.focus();
    } else if (event.key === "n" && area) {
      event.preventDefault();
      const b = box();
      const note = b.querySelector("input[name='reply-kind'][value='note']");
      setKind(note && note.checked ? "reply" : "note");
      area.focus();
    } else if (event.key === "j" || event.key === "k") {
      const link = document.querySelector(event.key === "j" ? "[data-shortcut='next']" : "[data-shortcut='previous']");
      if (link) { event.preventDefault(); window.location.assign(link.href); }
    }
  });

  document.addEventListener("htmx:afterSwap", syncKind);
  document.addEventListener("DOMContentLoaded", syncKind);
})();
