// Search fields that pick one record (the "Record a promise" form): htmx fills the list box,
// this script makes it a combobox — arrows move, Enter or a click picks, Escape closes — keeps
// the chosen value in the hidden field, and, when the customer changes, sets the market to the
// account's and clears what the promise is about (it belonged to the previous account).
(function () {
  "use strict";

  function setup(picker) {
    var input = picker.querySelector("[role=combobox]");
    var hidden = picker.querySelector("input[type=hidden]");
    var box = picker.querySelector("[role=listbox]");
    var active = -1;

    function options() { return Array.prototype.slice.call(box.querySelectorAll("[role=option]")); }
    function open(yes) {
      box.classList.toggle("show", yes);
      input.setAttribute("aria-expanded", yes ? "true" : "false");
      if (!yes) { input.removeAttribute("aria-activedescendant"); active = -1; }
    }
    function highlight(index) {
      var all = options();
      if (!all.length) { return; }
      active = (index + all.length) % all.length;
      all.forEach(function (el, i) {
        el.classList.toggle("active", i === active);
        el.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }
    function pick(option) {
      hidden.value = option.dataset.value;
      input.value = option.dataset.label;
      open(false);
      picker.dispatchEvent(new CustomEvent("bh:picked", { bubbles: true, detail: option.dataset }));
    }

    box.addEventListener("htmx:afterSwap", function () { open(document.activeElement === input); });
    input.addEventListener("input", function () { hidden.value = ""; });
    input.addEventListener("keydown", function (event) {
      var shown = box.classList.contains("show");
      if (event.key === "ArrowDown") { event.preventDefault(); if (!shown) { open(true); } highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter" && shown && active >= 0) { event.preventDefault(); pick(options()[active]); }
      else if (event.key === "Escape" && shown) { event.preventDefault(); open(false); }
    });
    box.addEventListener("mousedown", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) { event.preventDefault(); pick(option); }
    });
    input.addEventListener("blur", function () { window.setTimeout(function () { open(false); }, 150); });
    picker.bhClear = function () { hidden.value = ""; input.value = ""; box.innerHTML = ""; open(false); };
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-picker]").forEach(setup);
    document.addEventListener("bh:picked", function (event) {
      if (event.target.dataset.picker !== "customer") { return; }
      var subject = document.querySelector("[data-picker=subject]");
      if (subject && subject.bhClear) { subject.bhClear(); }
      var market = document.querySelector("select[name=market]");
      var code = event.detail.market;
      if (market && code && market.querySelector('option[value="' + code + '"]')) { market.value = code; }
    });
  });
})();
