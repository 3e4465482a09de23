// Saved views: keyboard-friendly column ordering, removing filter rows, confirmations and
// "Save as new" from the modified bar. No framework: htmx does the requests.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var move = event.target.closest("[data-move]");
    if (move) {
      var item = move.closest("li");
      if (move.dataset.move === "up" && item.previousElementSibling) {
        item.parentNode.insertBefore(item, item.previousElementSibling);
      } else if (move.dataset.move === "down" && item.nextElementSibling) {
        item.parentNode.insertBefore(item.nextElementSibling, item);
      }
      move.focus();
      return;
    }
    var remove = event.target.closest("[data-remove-filter]");
    if (remove) {
      remove.closest(".filter-row").remove();
      return;
    }
    var openSave = event.target.closest("[data-open-save]");
    if (openSave) {
      var toggle = document.getElementById("save-view-toggle");
      if (toggle && window.bootstrap) {
        window.bootstrap.Dropdown.getOrCreateInstance(toggle).show();
        var name = document.querySelector(".save-menu input[name=name]");
        if (name) { name.focus(); }
      } else if (toggle) {
        toggle.click();
      }
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
