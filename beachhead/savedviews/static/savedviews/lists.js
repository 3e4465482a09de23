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

  // The board: drag a card onto another lane to move it (the same request as the card's
  // "move to" menu, which stays the keyboard's way; the server checks the move and answers
  // with the board redrawn).
  var dragged = null;
  function laneOf(node) {
    return node && node.closest ? node.closest(".kanban-lane[data-lane]") : null;
  }
  function clearTargets() {
    document.querySelectorAll(".kanban-lane.is-drop-target").forEach(function (lane) {
      lane.classList.remove("is-drop-target");
    });
  }
  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".kanban-card[data-move-url]");
    if (!card) { return; }
    dragged = card;
    card.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.pk || "");
  });
  document.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("is-dragging"); }
    dragged = null;
    clearTargets();
  });
  document.addEventListener("dragover", function (event) {
    var lane = laneOf(event.target);
    if (!dragged || !lane) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!lane.classList.contains("is-drop-target")) {
      clearTargets();
      lane.classList.add("is-drop-target");
    }
  });
  document.addEventListener("drop", function (event) {
    var lane = laneOf(event.target);
    if (!dragged || !lane) { return; }
    event.preventDefault();
    clearTargets();
    var card = dragged;
    var from = laneOf(card);
    dragged = null;
    card.classList.remove("is-dragging");
    if (from === lane) { return; }
    var board = lane.closest(".kanban");
    lane.querySelector(".kanban-cards").prepend(card);
    if (board) { board.classList.add("is-busy"); }
    window.htmx.ajax("POST", card.dataset.moveUrl, {
      source: card,
      target: "#list-app",
      swap: "innerHTML",
      values: {value: lane.dataset.lane, state: board ? board.dataset.state : ""}
    });
  });
})();
