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
  // form[data-confirm] asks through beachhead.js (every page loads it).
  // Click-to-edit cells: a click on the cell, not on its link or pencil button, opens the
  // editor; Escape in the editor cancels. (htmx event filters would do it with eval, which the
  // Content-Security-Policy refuses.)
  document.addEventListener("click", function (event) {
    var cell = event.target.closest("td.cell-editable");
    if (cell && !event.target.closest("a,button") && window.htmx) {
      window.htmx.trigger(cell, "cell-edit");
    }
  });
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Escape") { return; }
    var form = event.target.closest("td.cell-editing form");
    if (form && window.htmx) { window.htmx.trigger(form, "cell-cancel"); }
  });

  // Exports: a progress panel while the file is prepared and downloaded, and a busy Export
  // button. CSV counts the rows as they stream in (the page knows how many there are); the
  // workbook is built whole on the server, so it shows an indeterminate bar until it comes,
  // then the download by its length. Very large CSV files, and browsers without streams, go
  // to the browser's own download (which has its own progress) with the button busy.
  var STREAM_LIMIT = 200000;

  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_m, key) { return values[key]; });
  }
  function size(bytes) {
    return bytes > 1048576 ? (bytes / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(bytes / 1024)) + " KB";
  }
  function filenameOf(response, fallback) {
    var header = response.headers.get("Content-Disposition") || "";
    var match = /filename="([^"]+)"/.exec(header);
    return match ? match[1] : fallback;
  }

  function busy(root, on) {
    var button = root.querySelector("[data-export-button]");
    if (!button) { return; }
    button.disabled = on;
    button.setAttribute("aria-busy", on ? "true" : "false");
    root.querySelector("[data-export-spinner]").classList.toggle("d-none", !on);
    root.querySelector("[data-export-icon]").classList.toggle("d-none", on);
  }

  function panel(root) {
    var box = root.querySelector("[data-export-progress]");
    var bar = box.querySelector("[data-export-bar]");
    var label = box.querySelector("[data-export-label]");
    return {
      show: function (text, percent) {
        box.classList.remove("d-none");
        label.textContent = text;
        var known = typeof percent === "number";
        bar.classList.toggle("progress-bar-indeterminate", !known);
        bar.style.width = known ? Math.min(100, percent) + "%" : "";
        if (known) { bar.setAttribute("aria-valuenow", String(Math.round(percent))); } else { bar.removeAttribute("aria-valuenow"); }
      },
      hide: function (after) { window.setTimeout(function () { box.classList.add("d-none"); }, after || 0); },
      text: function (name) { return box.dataset["text" + name.charAt(0).toUpperCase() + name.slice(1)]; }
    };
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url; a.download = name; document.body.appendChild(a); a.click(); a.remove();
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  async function download(link, root) {
    var p = panel(root);
    var kind = link.dataset.export;
    var total = parseInt(link.dataset.rows || "0", 10);
    p.show(p.text("preparing"));
    var response = await fetch(link.href, { credentials: "same-origin" });
    var type = response.headers.get("Content-Type") || "";
    if (!response.ok || response.redirected || type.indexOf("text/html") === 0) {
      window.location.href = response.url;  // the list page, with the reason as a message
      return;
    }
    var length = parseInt(response.headers.get("Content-Length") || "0", 10);
    var reader = response.body.getReader();
    var chunks = [], received = 0, lines = 0;
    for (;;) {
      var step = await reader.read();
      if (step.done) { break; }
      chunks.push(step.value);
      received += step.value.length;
      if (kind === "csv" && total) {
        for (var i = 0; i < step.value.length; i++) { if (step.value[i] === 10) { lines++; } }
        var rows = Math.max(0, Math.min(lines - 1, total));
        p.show(format(p.text("rows"), { done: rows.toLocaleString(), total: total.toLocaleString() }), rows * 100 / total);
      } else if (length) {
        p.show(format(p.text("bytes"), { done: size(received), total: size(length) }), received * 100 / length);
      }
    }
    var name = filenameOf(response, kind === "csv" ? "export.csv" : "export.xlsx");
    save(new Blob(chunks, { type: type }), name);
    p.show(format(p.text("done"), { name: name }), 100);
    p.hide(2500);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-export]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    var root = link.closest(".list-card") || document;
    var streamed = window.fetch && window.ReadableStream && window.Blob && window.URL && URL.createObjectURL;
    if (!streamed || (link.dataset.export === "csv" && parseInt(link.dataset.rows || "0", 10) > STREAM_LIMIT)) {
      busy(root, true);
      window.setTimeout(function () { busy(root, false); }, 4000);
      return;  // the browser downloads it itself
    }
    event.preventDefault();
    busy(root, true);
    download(link, root).catch(function () {
      var p = panel(root);
      p.show(p.text("failed"), 0);
      p.hide(6000);
    }).finally(function () { busy(root, false); });
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
