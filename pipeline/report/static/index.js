// Sort the batch index by any column; numbers numerically, text with natural order.
"use strict";
(function () {
  const table = document.getElementById("index");
  const heads = Array.from(table.tHead.rows[0].cells);
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  heads.forEach((th, col) => {
    th.querySelector("button").addEventListener("click", () => {
      const dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      const num = th.dataset.type === "num";
      const rows = Array.from(table.tBodies[0].rows);
      const key = (tr) => tr.cells[col].dataset.value;
      rows.sort((a, b) => {
        const c = num ? Number(key(a)) - Number(key(b)) : collator.compare(key(a), key(b));
        return dir === "ascending" ? c : -c;
      });
      for (const h of heads) h.removeAttribute("aria-sort");
      th.setAttribute("aria-sort", dir);
      table.tBodies[0].append(...rows);
    });
  });
  document.documentElement.dataset.ready = "true";
})();
