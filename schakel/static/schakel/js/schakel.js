// Small progressive enhancements. No inline scripts anywhere (strict CSP).
document.addEventListener("DOMContentLoaded", function () {
  document.documentElement.classList.add("js");
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // Phone widths: the main menu folds behind a "Menu" button (CSS hides the list while
  // aria-expanded is false). Without JavaScript the button stays hidden and the menu open.
  document.querySelectorAll(".nav-toggle[aria-controls]").forEach(function (button) {
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", open ? "false" : "true");
    });
  });
});

// Stacked tables (one card per row on a phone, see .table-stack in schakel.css and
// .scores-table in neighbourhoods.css) change the CSS display of their rows and cells.
// Some browsers then drop the table from the accessibility tree; explicit ARIA roles
// keep "row 3 of 12, column Status" for screen readers whatever the CSS does
// (docs/adr/0009-stacked-tables-keep-table-roles.md). Roles already set are left alone.
(function () {
  var STACKED = "table.table-stack, table.scores-table";

  function setRole(el, role) {
    if (!el.hasAttribute("role")) el.setAttribute("role", role);
  }

  function cellRole(cell, section) {
    if (cell.tagName !== "TH") return "cell";
    var scope = (cell.getAttribute("scope") || "").toLowerCase();
    if (scope === "row" || scope === "rowgroup") return "rowheader";
    if (scope === "col" || scope === "colgroup") return "columnheader";
    return section && section.tagName === "THEAD" ? "columnheader" : "rowheader";
  }

  function tableRoles(table) {
    setRole(table, "table");
    // table.rows and row.cells hold this table's own rows and cells, not those of a nested table.
    Array.prototype.forEach.call(table.rows, function (row) {
      var section = row.parentElement !== table ? row.parentElement : null;
      if (section) setRole(section, "rowgroup");
      setRole(row, "row");
      Array.prototype.forEach.call(row.cells, function (cell) {
        setRole(cell, cellRole(cell, section));
      });
    });
  }

  function stackedTableRoles(root) {
    if (!root || !root.querySelectorAll) return;
    var around = root.closest ? root.closest(STACKED) : null;  // rows swapped into a stacked table
    if (around) tableRoles(around);
    Array.prototype.forEach.call(root.querySelectorAll(STACKED), tableRoles);
  }

  document.addEventListener("DOMContentLoaded", function () { stackedTableRoles(document); });
  // htmx fires htmx:load on each piece of content it swaps in (and on <body> at start).
  document.addEventListener("htmx:load", function (event) { stackedTableRoles(event.target); });
})();
