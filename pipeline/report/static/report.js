// scanproof report viewer: page zoom/pan with overlays, flag selection, filters, review state.
// Every text shown by this script is set through textContent; the data block holds boxes and ids.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const SVG = "http://www.w3.org/2000/svg";
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));
  const flagsById = new Map(data.flags.map((f) => [f.id, f]));
  const pagesByIndex = new Map(data.pages.map((p) => [p.index, p]));

  const viewer = $("#viewer"), stage = $("#stage"), img = $("#page-image"), overlay = $("#overlay");
  const view = { page: null, scale: 1, x: 0, y: 0, selected: null, line: null };

  // --- review decisions, kept per document in localStorage (falls back to memory) -------------
  const storeKey = "scanproof-review:" + data.document;
  let decisions = {};
  try { decisions = JSON.parse(localStorage.getItem(storeKey) || "{}") || {}; } catch (e) { decisions = {}; }
  function saveDecisions() {
    try { localStorage.setItem(storeKey, JSON.stringify(decisions)); } catch (e) { /* private mode: memory only */ }
  }
  function showDecision(card) {
    const d = decisions[card.dataset.id];
    card.classList.toggle("is-accepted", !!d && d.decision === "accepted");
    card.classList.toggle("is-rejected", !!d && d.decision === "rejected");
    $(".decision", card).textContent = !d ? "" : d.decision === "rejected" ? "✗ rejected"
      : d.correction !== undefined ? "✓ accepted, corrected to “" + d.correction + "”" : "✓ accepted";
  }
  function decide(id, decision) {
    if (!id) return;
    if (decision === "corrected") {
      // The scan's reading is only the OCR's: the reviewer may type what the page really says.
      const f = data.flags.find((x) => x.id === id), d = decisions[id];
      const start = d && d.correction !== undefined ? d.correction : (f && f.scan_text) || "";
      const text = window.prompt("The text the transcription should have here:", start);
      if (text === null) return;
      decisions[id] = { decision: "accepted", correction: text, at: new Date().toISOString() };
    } else if (decision === null || (decisions[id] && decisions[id].decision === decision
                                     && decisions[id].correction === undefined)) delete decisions[id];
    else decisions[id] = { decision: decision, at: new Date().toISOString() };
    saveDecisions();
    if (cardOf(id)) showDecision(cardOf(id));
    updateProgress();
    applyFilters();
  }
  function updateProgress() {
    const n = data.flags.filter((f) => decisions[f.id]).length;
    $("#review-progress").textContent = data.flags.length ? n + " / " + data.flags.length + " reviewed" : "";
  }
  function exportReview() {
    const out = {
      schema: "scanproof/review/1", document: data.document, exported: new Date().toISOString(),
      decisions: data.flags.filter((f) => decisions[f.id]).map((f) => ({
        id: f.id, kind: f.kind, severity: f.severity, page: f.page,
        decision: decisions[f.id].decision, at: decisions[f.id].at,
        ...(decisions[f.id].correction !== undefined ? { correction: decisions[f.id].correction } : {}),
      })),
    };
    const blob = new Blob([JSON.stringify(out, null, 1)], { type: "application/json" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "review-" + data.document.replace(/[^\w.-]+/g, "_") + ".json";
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  // --- page viewer -------------------------------------------------------------------------------
  function applyTransform() {
    stage.style.transform = "translate(" + view.x + "px," + view.y + "px) scale(" + view.scale + ")";
    // Outlines and labels keep their screen size at any zoom: the CSS divides them by the scale.
    stage.style.setProperty("--px", String(1 / view.scale));
  }
  function fit() {
    const p = pagesByIndex.get(view.page);
    if (!p) return;
    const w = viewer.clientWidth, h = viewer.clientHeight;
    view.scale = Math.min(w / p.width, h / p.height) * 0.96;
    view.x = (w - p.width * view.scale) / 2;
    view.y = (h - p.height * view.scale) / 2;
    applyTransform();
  }
  function zoomAt(factor, cx, cy) {
    const s = Math.max(0.02, Math.min(8, view.scale * factor));
    view.x = cx - (cx - view.x) * (s / view.scale);
    view.y = cy - (cy - view.y) * (s / view.scale);
    view.scale = s;
    applyTransform();
  }
  // Show a box (page pixels) with context: at least half the page's width, or twice the box.
  function zoomTo(bbox) {
    const p = pagesByIndex.get(view.page);
    const w = viewer.clientWidth, h = viewer.clientHeight;
    const bw = Math.max(bbox[2] - bbox[0], 1), bh = Math.max(bbox[3] - bbox[1], 1);
    view.scale = Math.min(w / Math.max(bw * 2, p ? p.width * 0.5 : 0), (h * 0.5) / bh, 3);
    view.x = w / 2 - ((bbox[0] + bbox[2]) / 2) * view.scale;
    view.y = h / 2 - ((bbox[1] + bbox[3]) / 2) * view.scale;
    applyTransform();
  }
  function svgEl(tag, attrs, text) {
    const el = document.createElementNS(SVG, tag);
    for (const k in attrs) el.setAttribute(k, attrs[k]);
    if (text !== undefined) el.textContent = text;
    return el;
  }
  function rect(bbox, cls) {
    return svgEl("rect", { x: bbox[0], y: bbox[1], width: bbox[2] - bbox[0], height: bbox[3] - bbox[1], class: cls });
  }
  function drawOverlay() {
    const p = pagesByIndex.get(view.page);
    overlay.replaceChildren();
    if (!p) return;
    overlay.setAttribute("viewBox", "0 0 " + p.width + " " + p.height);
    if ($("#show-regions").checked) {
      for (const r of p.regions) {
        if (r.kind === "text") continue;  // typed text blocks would bury the page in outlines
        overlay.appendChild(rect(r.bbox, "region " + r.kind));
        const sym = (data.symbols.region[r.kind] || "?") + " " + r.kind;
        // The label sits above the region, or inside it when the region touches the page's top.
        const above = r.bbox[1] > p.height * 0.03;
        const right = r.bbox[0] > p.width * 0.6;  // near the right edge: end the label at the box's edge
        overlay.appendChild(svgEl("text", { x: right ? r.bbox[2] : r.bbox[0], y: r.bbox[1],
          dy: above ? "-0.3em" : "1em", "text-anchor": right ? "end" : "start",
          class: "region-label " + r.kind }, sym));
      }
    }
    if (view.line !== null) {
      const ln = data.lines[view.line];
      if (ln && ln.page === view.page && ln.bbox) overlay.appendChild(rect(ln.bbox, "line-mark"));
    }
    if ($("#show-flags").checked) {
      for (const f of data.flags) {
        const card = cardOf(f.id);
        if (f.page !== view.page || !f.bbox || !card || card.hidden) continue;
        const box = rect(f.bbox, "flag " + f.severity + (f.id === view.selected ? " selected" : ""));
        box.dataset.id = f.id;
        box.setAttribute("id", "box-" + f.id);
        overlay.appendChild(box);
        overlay.appendChild(svgEl("text", { x: f.bbox[2], y: f.bbox[1], dx: "0.2em", dy: "0.9em",
          class: "flag-label " + f.severity }, data.symbols.severity[f.severity]));
      }
    }
  }
  function showPage(index, keepView) {
    const p = pagesByIndex.get(index);
    if (!p) return;
    const changed = view.page !== index;
    view.page = index;
    $("#page-select").value = String(index);
    stage.style.width = p.width + "px";
    stage.style.height = p.height + "px";
    if (changed) {
      if (p.image) { img.hidden = false; img.src = p.image; } else { img.hidden = true; img.removeAttribute("src"); }
      $("#no-image").hidden = !!p.image;
    }
    drawOverlay();
    if (!keepView) fit();
  }

  // --- flags ---------------------------------------------------------------------------------------
  function cardOf(id) { return document.getElementById("flag-" + id); }
  function visibleCards() { return $$("#cards .card").filter((c) => !c.hidden); }
  function showTab(name) {
    for (const b of $$(".tabs [role=tab]")) b.setAttribute("aria-selected", String(b.dataset.tab === name));
    for (const p of $$(".panel")) p.hidden = p.id !== "panel-" + name;
  }
  function markLine(index, scroll) {
    for (const tr of $$("#lines tr.current")) tr.classList.remove("current");
    view.line = index;
    if (index === null || index === undefined) return;
    const tr = document.getElementById("line-" + index);
    if (!tr) return;
    tr.classList.add("current");
    if (scroll) {
      showTab("text");
      tr.scrollIntoView({ block: "center" });
    }
  }
  function selectFlag(id, fromKeyboard) {
    const f = flagsById.get(id);
    if (!f) return;
    if (!cardOf(id)) addInfoCards();
    for (const c of $$("#cards .card[aria-selected=true]")) c.setAttribute("aria-selected", "false");
    const card = cardOf(id);
    card.setAttribute("aria-selected", "true");
    if (fromKeyboard) { card.focus({ preventScroll: true }); card.scrollIntoView({ block: "nearest" }); }
    view.selected = id;
    markLine(f.line, true);
    const line = f.line !== null && f.line !== undefined ? data.lines[f.line] : null;
    const page = f.page || (line && line.page);
    if (page) {
      showPage(page, true);
      const box = f.bbox || (line && line.bbox);
      if (box) zoomTo(box); else fit();
    }
    drawOverlay();
  }
  function step(delta) {
    const cards = visibleCards();
    if (!cards.length) return;
    const at = cards.findIndex((c) => c.dataset.id === view.selected);
    const next = at < 0 ? (delta > 0 ? 0 : cards.length - 1) : Math.max(0, Math.min(cards.length - 1, at + delta));
    selectFlag(cards[next].dataset.id, true);
  }
  // Move the info cards from their inert template into the list, once.
  function addInfoCards() {
    const t = $("#info-cards");
    if (!t || t.dataset.added) return;
    t.dataset.added = "true";
    const fresh = Array.from(t.content.children);
    $("#cards").append(t.content);
    for (const c of fresh) showDecision(c);
  }
  function applyFilters() {
    if ($("input[name=severity][value=info]").checked) addInfoCards();
    const kind = $("#filter-kind").value;
    const review = $("#filter-review").value;
    const sev = new Set($$("input[name=severity]:checked").map((i) => i.value));
    for (const c of $$("#cards .card")) {
      const d = decisions[c.dataset.id];
      const reviewOk = !review || (review === "open" ? !d : d && d.decision === review);
      c.hidden = !((!kind || c.dataset.kind === kind) && sev.has(c.dataset.severity) && reviewOk);
    }
    drawOverlay();
  }

  // --- wiring --------------------------------------------------------------------------------------
  $("#cards").addEventListener("click", (e) => {
    const card = e.target.closest(".card");
    if (!card) return;
    const button = e.target.closest("button[data-decision]");
    if (button) decide(card.dataset.id, button.dataset.decision);
    selectFlag(card.dataset.id, false);
  });
  overlay.addEventListener("click", (e) => {
    const id = e.target.dataset && e.target.dataset.id;
    if (id) { selectFlag(id, true); }
  });
  $("#lines") && $("#lines").addEventListener("click", (e) => {
    const tr = e.target.closest("tr[data-line]");
    if (!tr) return;
    const i = Number(tr.dataset.line), ln = data.lines[i];
    markLine(i, false);
    if (ln && ln.page) { showPage(ln.page, true); if (ln.bbox) zoomTo(ln.bbox); }
    drawOverlay();
  });
  for (const el of $$(".goto-line, .chart .bar")) {
    el.addEventListener("click", (e) => {
      e.preventDefault();
      const i = Number(el.dataset.line !== undefined ? el.dataset.line : el.closest("tr").dataset.line);
      markLine(i, true);
      const ln = data.lines[i];
      if (ln && ln.page) { showPage(ln.page, true); if (ln.bbox) zoomTo(ln.bbox); }
      drawOverlay();
    });
  }
  $("#filter-kind").addEventListener("change", applyFilters);
  $("#filter-review").addEventListener("change", applyFilters);
  for (const i of $$("input[name=severity]")) i.addEventListener("change", applyFilters);
  $("#show-regions").addEventListener("change", drawOverlay);
  $("#show-flags").addEventListener("change", drawOverlay);
  $("#page-select").addEventListener("change", (e) => showPage(Number(e.target.value)));
  $("#page-prev").addEventListener("click", () => showPage(Math.max(1, view.page - 1)));
  $("#page-next").addEventListener("click", () => showPage(Math.min(data.pages.length, view.page + 1)));
  $("#zoom-in").addEventListener("click", () => zoomAt(1.25, viewer.clientWidth / 2, viewer.clientHeight / 2));
  $("#zoom-out").addEventListener("click", () => zoomAt(0.8, viewer.clientWidth / 2, viewer.clientHeight / 2));
  $("#zoom-fit").addEventListener("click", fit);
  $("#export-review").addEventListener("click", exportReview);
  $("#print").addEventListener("click", () => window.print());
  for (const b of $$(".tabs [role=tab]")) b.addEventListener("click", () => showTab(b.dataset.tab));

  viewer.addEventListener("wheel", (e) => {
    e.preventDefault();
    const r = viewer.getBoundingClientRect();
    zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top);
  }, { passive: false });
  let drag = null;
  viewer.addEventListener("pointerdown", (e) => {
    if (e.button !== 0 || (e.target.dataset && e.target.dataset.id)) return;
    drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y };
    viewer.setPointerCapture(e.pointerId);
    viewer.classList.add("dragging");
  });
  viewer.addEventListener("pointermove", (e) => {
    if (!drag) return;
    view.x = drag.vx + e.clientX - drag.x;
    view.y = drag.vy + e.clientY - drag.y;
    applyTransform();
  });
  const endDrag = () => { drag = null; viewer.classList.remove("dragging"); };
  viewer.addEventListener("pointerup", endDrag);
  viewer.addEventListener("pointercancel", endDrag);
  window.addEventListener("resize", () => { if (!view.selected) fit(); });

  document.addEventListener("keydown", (e) => {
    // Keys typed into a list or a text field are theirs; a ticked checkbox keeps no keys.
    if (e.ctrlKey || e.metaKey || e.altKey || e.target.closest("select, textarea, input:not([type=checkbox])")) return;
    const keys = { j: () => step(1), k: () => step(-1), a: () => decide(view.selected, "accepted"),
      r: () => decide(view.selected, "rejected"), c: () => decide(view.selected, "corrected"), u: () => decide(view.selected, null),
      "+": () => zoomAt(1.25, viewer.clientWidth / 2, viewer.clientHeight / 2),
      "-": () => zoomAt(0.8, viewer.clientWidth / 2, viewer.clientHeight / 2), "0": fit };
    if (keys[e.key]) { e.preventDefault(); keys[e.key](); }
  });

  for (const c of $$("#cards .card")) showDecision(c);
  updateProgress();
  applyFilters();
  if (data.pages.length) showPage(data.pages[0].index);
  document.documentElement.dataset.ready = "true";
})();
