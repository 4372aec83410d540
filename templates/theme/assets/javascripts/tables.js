/* Phone cards for tables (assets/stylesheets/reader.css): each cell gets its column's
   name in data-label, which the stylesheet shows before the cell on a narrow screen.
   The stylesheet turns rows and cells into blocks there, and `display: block` takes the
   table's meaning from screen readers in some browsers, so the table roles are put back
   explicitly. Reads the header's text only (textContent), writes attributes only. */
(function () {
  "use strict";
  function label(root) {
    root.querySelectorAll(".md-typeset table:not([class])").forEach(function (table) {
      var names = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.setAttribute("role", "table");
      table.querySelectorAll("thead, tbody").forEach(function (group) { group.setAttribute("role", "rowgroup"); });
      table.querySelectorAll("tr").forEach(function (row) {
        row.setAttribute("role", "row");
        Array.prototype.forEach.call(row.children, function (cell, index) {
          cell.setAttribute("role", cell.tagName === "TH" ? "columnheader" : "cell");
          // A two-column table is a list of names and values: its first cell is the label.
          if (cell.tagName === "TD" && names.length > 2 && names[index]) cell.setAttribute("data-label", names[index]);
          // "–" marks nothing known (the stance grid): a card leaves such a line out.
          if (cell.tagName === "TD" && /^[\s–-]*$/.test(cell.textContent)) cell.setAttribute("data-blank", "");
        });
      });
    });
  }
  /* Material's document$ emits on every page, instant navigation included. */
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { label(document); });
  } else {
    label(document);
  }
})();
