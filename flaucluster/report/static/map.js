// flaucluster map: a canvas scatter of every usable row, with search, legend toggles, box and
// lasso selection, and curation edits kept as a log in the flaucluster-edits/1 format.
// No library, no request: every user text reaches the page through textContent only.
"use strict";

const FLAU_PALETTE = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
  "#bcbd22", "#393b79", "#ad494a", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd",
  "#e6550d", "#31a354", "#756bb1", "#636363",
];
const FLAU_OUTLIER = -1;
const FLAU_ADDED = "#d9480f";  // the ring of rows new since the parent run (flaucluster update)
const FLAU_NEW_GROUP = "#8d96a3"; // colour by theme: a group the list of themes does not have

const FLAU_PLAIN = /^[\x00-\x7f]*$/;
function flauFold(text) {
  const low = String(text).toLowerCase();
  return FLAU_PLAIN.test(low) ? low : low.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
}

function flauColor(cluster) {
  return cluster === FLAU_OUTLIER ? "#b9bec6" : FLAU_PALETTE[((cluster % FLAU_PALETTE.length) + FLAU_PALETTE.length) % FLAU_PALETTE.length];
}

function flauEl(tag, attrs, text) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "testid") el.dataset.testid = v;
    else el.setAttribute(k, v);
  }
  if (text !== undefined) el.textContent = text;
  return el;
}

function flauMount(root, data, hooks) {
  hooks = hooks || {};
  const n = data.x.length;
  const base = Int32Array.from(data.cluster);
  const baseNames = new Map(data.clusters.map((c) => [c.id, c.name]));
  const baseCustom = new Set(data.clusters.filter((c) => c.custom).map((c) => c.id));
  // with a list of themes: colour by theme shows the list filled, and every new group in one grey
  const themeOf = new Map(data.clusters.map((c) => [c.id, c.theme || ""]));
  let byTheme = false;
  const colorOf = (c) => (byTheme && c !== FLAU_OUTLIER && !themeOf.get(c) ? FLAU_NEW_GROUP : flauColor(c));
  const shared = new Set(data.shared); // drawn rows whose id another row (drawn or not) also has
  const rowOfId = new Map();
  data.id.forEach((id, i) => rowOfId.set(id, i));
  let labels, names, custom, nextId;
  const edits = [];
  const hidden = new Set();
  let matches = null;
  const folded = new Array(n);
  let selected = [];
  let buckets = new Map();
  let centres = new Map();

  // ---- layout
  root.classList.add("flau-map");
  const bar = flauEl("div", { class: "flau-bar" });
  const search = flauEl("input", { type: "search", placeholder: "Rechercher (texte ou id)…", "aria-label": "Rechercher" });
  const count = flauEl("span", { testid: "match-count", class: "flau-count", "aria-live": "polite" });
  const modes = {};
  for (const [mode, label] of [["pan", "Déplacer la vue"], ["box", "Sélection rectangle"], ["lasso", "Lasso"]]) {
    modes[mode] = flauEl("button", { type: "button", "data-mode": mode }, label);
  }
  const undoBtn = flauEl("button", { type: "button", testid: "undo" }, "Annuler la dernière modification");
  const download = flauEl("button", { type: "button", testid: "download-edits" }, "Télécharger les modifications");
  bar.append(search, count, modes.pan, modes.box, modes.lasso, undoBtn, download);
  const colorBy = flauEl("button", { type: "button", testid: "color-by", "aria-pressed": "false" }, "Couleur : thèmes");
  if (data.has_themes) bar.append(colorBy);
  colorBy.addEventListener("click", () => {
    byTheme = !byTheme;
    colorBy.setAttribute("aria-pressed", String(byTheme));
    colorBy.textContent = byTheme ? "Couleur : groupes" : "Couleur : thèmes";
    buildLegend();
    draw();
  });
  const body = flauEl("div", { class: "flau-body" });
  const stage = flauEl("div", { class: "flau-stage" });
  const canvas = flauEl("canvas", { testid: "map-canvas", "aria-label": "Carte des lignes" });
  const tip = flauEl("div", { testid: "tooltip", class: "flau-tip", role: "tooltip" });
  tip.hidden = true;
  // the canvas never sizes its stage (it is sized from it): no resize loop, whatever the page's CSS
  stage.style.position = "relative";
  Object.assign(canvas.style, { position: "absolute", left: "0", top: "0" });
  stage.append(canvas, tip);
  const side = flauEl("aside", { class: "flau-side" });
  const legend = flauEl("ul", { testid: "legend", class: "flau-legend" });
  const selInfo = flauEl("p", { testid: "selection-count" }, "Aucune ligne sélectionnée.");
  const table = flauEl("table", { testid: "selection-table" });
  const thead = flauEl("thead");
  const hr = flauEl("tr");
  for (const h of ["id", "texte", "groupe", "confiance"]) hr.append(flauEl("th", {}, h));
  thead.append(hr);
  const tbody = flauEl("tbody");
  table.append(thead, tbody);

  const actions = flauEl("div", { class: "flau-actions" });
  const moveTo = flauEl("select", { testid: "move-target", "aria-label": "Groupe cible" });
  const moveBtn = flauEl("button", { type: "button", testid: "move" }, "Déplacer vers…");
  const newName = flauEl("input", { type: "text", testid: "new-name", placeholder: "Nom du nouveau groupe" });
  const newBtn = flauEl("button", { type: "button", testid: "new-cluster" }, "Nouveau groupe nommé…");
  const unassignBtn = flauEl("button", { type: "button", testid: "unassign" }, "Retirer des groupes");
  const renameWhich = flauEl("select", { testid: "rename-cluster", "aria-label": "Groupe à renommer" });
  const renameName = flauEl("input", { type: "text", testid: "rename-name", placeholder: "Nouveau nom" });
  const renameBtn = flauEl("button", { type: "button", testid: "rename" }, "Renommer");
  const mergeA = flauEl("select", { testid: "merge-keep", "aria-label": "Groupe gardé" });
  const mergeB = flauEl("select", { testid: "merge-other", "aria-label": "Groupe fusionné" });
  const mergeBtn = flauEl("button", { type: "button", testid: "merge" }, "Fusionner avec…");
  const log = flauEl("ol", { testid: "edit-log", class: "flau-log" });
  const row = (...els) => { const d = flauEl("div", { class: "flau-row" }); d.append(...els); return d; };
  actions.append(
    flauEl("h3", {}, "Sélection"), selInfo,
    row(moveTo, moveBtn), row(newName, newBtn), row(unassignBtn),
    flauEl("h3", {}, "Groupes"), row(renameWhich, renameName, renameBtn), row(mergeA, mergeB, mergeBtn),
    flauEl("h3", {}, "Modifications (à télécharger)"), log,
  );
  const tableBox = flauEl("div", { class: "flau-table" });
  tableBox.append(table);
  side.append(flauEl("h3", {}, "Groupes (cliquer pour masquer)"), legend, actions, tableBox);
  body.append(stage, side);
  root.append(bar, body);

  // ---- state
  function replay() {
    labels = base.slice();
    names = new Map(baseNames);
    custom = new Set(baseCustom);
    nextId = data.next_id;
    for (const e of edits) applyEdit(e);
    regroup();
  }

  function pickedRows(e) {
    if (e.ids) return e.ids.map((id) => rowOfId.get(id));
    const at = new Map(data.row.map((r, i) => [r, i]));
    return e.rows.map((r) => at.get(r));
  }

  function applyEdit(e) {
    if (e.op === "rename") { names.set(e.cluster, e.name); custom.add(e.cluster); }
    else if (e.op === "merge") {
      const [keep, ...others] = e.clusters;
      const first = e.clusters.find((c) => custom.has(c));
      for (let i = 0; i < n; i++) if (others.includes(labels[i])) labels[i] = keep;
      if (first !== undefined) { names.set(keep, names.get(first)); custom.add(keep); }
      for (const c of others) { names.delete(c); custom.delete(c); }
    } else if (e.op === "move" || e.op === "unassign") {
      let target = FLAU_OUTLIER;
      if (e.op === "move" && e.to === "new") {
        target = nextId++;
        names.set(target, e.name || `(nouveau groupe ${target})`);
        if (e.name) custom.add(target);
      } else if (e.op === "move") target = e.to;
      for (const i of pickedRows(e)) labels[i] = target;
    }
  }

  function regroup() {
    const members = new Map();
    for (let i = 0; i < n; i++) {
      const c = labels[i];
      if (!members.has(c)) members.set(c, []);
      members.get(c).push(i);
    }
    buckets = new Map([...members.entries()].map(([c, rows]) => [c, Int32Array.from(rows)]));
    centres = new Map();
    for (const [c, rows] of buckets) {
      if (c === FLAU_OUTLIER) continue;
      let sx = 0, sy = 0;
      for (const i of rows) { sx += data.x[i]; sy += data.y[i]; }
      centres.set(c, [sx / rows.length, sy / rows.length]);
    }
    for (const c of [...names.keys()]) if (!buckets.has(c)) names.delete(c);
    for (const c of [...hidden]) if (!buckets.has(c)) hidden.delete(c);
    buildLegend();
    buildSelects();
    buildLog();
    showSelection();
  }

  function clusterIds() {
    return [...buckets.keys()].filter((c) => c !== FLAU_OUTLIER).sort((a, b) => a - b);
  }

  function buildLegend() {
    legend.replaceChildren();
    const ids = clusterIds().sort((a, b) => buckets.get(b).length - buckets.get(a).length || a - b);
    if (buckets.has(FLAU_OUTLIER)) ids.push(FLAU_OUTLIER);
    for (const c of ids) {
      const li = flauEl("li", { testid: "legend-item", "data-cluster": String(c), tabindex: "0" });
      const sw = flauEl("span", { class: "flau-swatch" });
      sw.style.background = colorOf(c);
      const fresh = data.has_themes && c !== FLAU_OUTLIER && !themeOf.get(c) ? " — hors liste" : "";
      const label = c === FLAU_OUTLIER ? "(hors groupe)" : `${c} · ${names.get(c)}${fresh}`;
      li.append(sw, flauEl("span", {}, `${label} (${buckets.get(c).length})`));
      li.classList.toggle("off", hidden.has(c));
      const toggle = () => { hidden.has(c) ? hidden.delete(c) : hidden.add(c); li.classList.toggle("off", hidden.has(c)); draw(); };
      li.addEventListener("click", toggle);
      li.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); toggle(); } });
      legend.append(li);
    }
  }

  function buildSelects() {
    for (const sel of [moveTo, renameWhich, mergeA, mergeB]) {
      const keep = sel.value;
      sel.replaceChildren();
      for (const c of clusterIds()) sel.append(flauEl("option", { value: String(c) }, `${c} · ${names.get(c)}`));
      if ([...sel.options].some((o) => o.value === keep)) sel.value = keep;
    }
    if (mergeB.options.length > 1 && mergeB.value === mergeA.value) mergeB.selectedIndex = mergeA.selectedIndex === 0 ? 1 : 0;
  }

  function describe(e) {
    const who = e.op === "move" || e.op === "unassign" ? (e.ids || e.rows).length : 0;
    if (e.op === "rename") return `renommer ${e.cluster} en « ${e.name} »`;
    if (e.op === "merge") return `fusionner ${e.clusters.slice(1).join(", ")} dans ${e.clusters[0]}`;
    if (e.op === "unassign") return `retirer ${who} ligne(s) des groupes`;
    return e.to === "new" ? `${who} ligne(s) vers un nouveau groupe${e.name ? ` « ${e.name} »` : ""}` : `${who} ligne(s) vers ${e.to}`;
  }

  function buildLog() {
    log.replaceChildren(...edits.map((e) => flauEl("li", {}, describe(e))));
    undoBtn.disabled = edits.length === 0;
    download.disabled = edits.length === 0;
  }

  function showSelection() {
    selected = selected.filter((i) => !hidden.has(labels[i]));
    selInfo.textContent = selected.length ? `${selected.length} ligne(s) sélectionnée(s)` + (selected.length > 500 ? " (500 premières affichées)" : "") : "Aucune ligne sélectionnée.";
    const rows = selected.slice(0, 500).map((i) => {
      const tr = flauEl("tr");
      const c = labels[i];
      tr.append(flauEl("td", {}, data.id[i]), flauEl("td", {}, data.text[i]),
        flauEl("td", {}, c === FLAU_OUTLIER ? "(hors groupe)" : `${c} · ${names.get(c)}`), flauEl("td", {}, data.conf[i].toFixed(2)));
      return tr;
    });
    tbody.replaceChildren(...rows);
    for (const b of [moveBtn, newBtn, unassignBtn]) b.disabled = selected.length === 0;
    if (hooks.onSelect) hooks.onSelect(selected.map((i) => data.id[i]));
  }

  function addEdit(e) {
    edits.push(e);
    replay();
    draw();
    if (hooks.onEdits) hooks.onEdits(edits.slice());
  }

  function rowsOf(indices) {
    return indices.some((i) => shared.has(i)) ? { rows: indices.map((i) => data.row[i]) } : { ids: indices.map((i) => data.id[i]) };
  }

  moveBtn.addEventListener("click", () => { if (selected.length && moveTo.value !== "") addEdit({ op: "move", ...rowsOf(selected), to: Number(moveTo.value) }); });
  newBtn.addEventListener("click", () => {
    if (!selected.length) return;
    const name = newName.value.trim();
    addEdit({ op: "move", ...rowsOf(selected), to: "new", ...(name ? { name } : {}) });
    newName.value = "";
  });
  unassignBtn.addEventListener("click", () => { if (selected.length) addEdit({ op: "unassign", ...rowsOf(selected) }); });
  renameBtn.addEventListener("click", () => {
    const name = renameName.value.trim();
    if (name && renameWhich.value !== "") { addEdit({ op: "rename", cluster: Number(renameWhich.value), name }); renameName.value = ""; }
  });
  mergeBtn.addEventListener("click", () => {
    if (mergeA.value !== "" && mergeB.value !== "" && mergeA.value !== mergeB.value) addEdit({ op: "merge", clusters: [Number(mergeA.value), Number(mergeB.value)] });
  });
  undoBtn.addEventListener("click", () => { if (edits.length) { edits.pop(); replay(); draw(); if (hooks.onEdits) hooks.onEdits(edits.slice()); } });
  download.addEventListener("click", () => {
    const doc = JSON.stringify({ format: "flaucluster-edits/1", edits, made_on: data.made_on }, null, 2) + "\n";
    const url = URL.createObjectURL(new Blob([doc], { type: "application/json" }));
    const a = flauEl("a", { href: url, download: "edits.json" });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });

  // ---- view and drawing
  const ctx = canvas.getContext("2d");
  const view = { cx: 0.5, cy: 0.5, k: 1 };
  let W = 0, H = 0, fitted = false;
  const sx = new Float32Array(n), sy = new Float32Array(n);

  function resize() {
    const r = stage.getBoundingClientRect();
    W = Math.max(200, r.width); H = Math.max(200, r.height);
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr);
    canvas.style.width = `${W}px`; canvas.style.height = `${H}px`;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    if (!fitted) { view.k = Math.min(W, H) * 0.92; fitted = true; }
    draw();
  }

  function project() {
    for (let i = 0; i < n; i++) {
      sx[i] = (data.x[i] - view.cx) * view.k + W / 2;
      sy[i] = (view.cy - data.y[i]) * view.k + H / 2;
    }
  }

  function draw() {
    if (!W) return;
    project();
    ctx.clearRect(0, 0, W, H);
    const r = n > 20000 ? 2 : n > 3000 ? 3 : 4;
    const order = [FLAU_OUTLIER, ...clusterIds()];
    for (const c of order) {
      const rows = buckets.get(c);
      if (!rows || hidden.has(c)) continue;
      ctx.fillStyle = colorOf(c);
      ctx.globalAlpha = matches ? 0.12 : c === FLAU_OUTLIER ? 0.5 : 0.8;
      for (const i of rows) ctx.fillRect(sx[i] - r / 2, sy[i] - r / 2, r, r);
    }
    if (matches) {
      ctx.globalAlpha = 1;
      for (let i = 0; i < n; i++) {
        if (!matches[i] || hidden.has(labels[i])) continue;
        ctx.fillStyle = "#111"; ctx.fillRect(sx[i] - r, sy[i] - r, 2 * r, 2 * r);
        ctx.fillStyle = colorOf(labels[i]); ctx.fillRect(sx[i] - r / 2, sy[i] - r / 2, r, r);
      }
    }
    if (data.added) {  // rows new since the parent run (flaucluster update): ringed
      ctx.globalAlpha = 1; ctx.strokeStyle = FLAU_ADDED; ctx.lineWidth = 1.5; ctx.beginPath();
      for (let i = 0; i < n; i++) if (data.added[i] && !hidden.has(labels[i])) ctx.rect(sx[i] - r, sy[i] - r, 2 * r, 2 * r);
      ctx.stroke();
    }
    if (selected.length) {
      ctx.globalAlpha = 1; ctx.strokeStyle = "#000"; ctx.lineWidth = 1;
      ctx.beginPath();
      for (const i of selected) ctx.rect(sx[i] - r, sy[i] - r, 2 * r, 2 * r);
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    ctx.font = "bold 12px system-ui, sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
    ctx.lineWidth = 3; ctx.strokeStyle = "rgba(255,255,255,.9)"; ctx.fillStyle = "#1d2430";
    const shown = clusterIds().filter((c) => !hidden.has(c)).sort((a, b) => buckets.get(b).length - buckets.get(a).length).slice(0, 40);
    for (const c of shown) {
      const [x, y] = centres.get(c);
      const px = (x - view.cx) * view.k + W / 2, py = (view.cy - y) * view.k + H / 2;
      const label = names.get(c).length > 40 ? names.get(c).slice(0, 39) + "…" : names.get(c);
      ctx.strokeText(label, px, py); ctx.fillText(label, px, py);
    }
    if (drag && drag.mode !== "pan") {
      ctx.strokeStyle = "#24476b"; ctx.lineWidth = 1.5; ctx.setLineDash([4, 3]); ctx.beginPath();
      if (drag.mode === "box") ctx.rect(drag.x0, drag.y0, drag.x - drag.x0, drag.y - drag.y0);
      else { drag.path.forEach(([x, y], j) => (j ? ctx.lineTo(x, y) : ctx.moveTo(x, y))); ctx.closePath(); }
      ctx.stroke(); ctx.setLineDash([]);
    }
  }

  // grid over data coordinates for hover: cells of the unit square, rows sorted by cell
  const G = 128;
  const cellOf = new Int32Array(n), cellStart = new Int32Array(G * G + 1), cellRows = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const gx = Math.min(G - 1, Math.max(0, Math.floor(data.x[i] * G))), gy = Math.min(G - 1, Math.max(0, Math.floor(data.y[i] * G)));
    cellOf[i] = gy * G + gx; cellStart[cellOf[i] + 1]++;
  }
  for (let c = 0; c < G * G; c++) cellStart[c + 1] += cellStart[c];
  const fill = cellStart.slice(0, G * G);
  for (let i = 0; i < n; i++) cellRows[fill[cellOf[i]]++] = i;

  function nearestAt(px, py, radius) {
    const dx = (px - W / 2) / view.k + view.cx, dy = view.cy - (py - H / 2) / view.k, rd = radius / view.k;
    const x0 = Math.max(0, Math.floor((dx - rd) * G)), x1 = Math.min(G - 1, Math.floor((dx + rd) * G));
    const y0 = Math.max(0, Math.floor((dy - rd) * G)), y1 = Math.min(G - 1, Math.floor((dy + rd) * G));
    let best = -1, bestD = radius * radius;
    for (let gy = y0; gy <= y1; gy++) for (let gx = x0; gx <= x1; gx++) {
      const c = gy * G + gx;
      for (let j = cellStart[c]; j < cellStart[c + 1]; j++) {
        const i = cellRows[j];
        if (hidden.has(labels[i])) continue;
        const d = (sx[i] - px) ** 2 + (sy[i] - py) ** 2;
        if (d <= bestD) { bestD = d; best = i; }
      }
    }
    return best;
  }

  function showTip(i, px, py) {
    if (i < 0) { tip.hidden = true; return; }
    const c = labels[i];
    const text = data.text[i].length > 160 ? data.text[i].slice(0, 159) + "…" : data.text[i];
    tip.replaceChildren(
      flauEl("b", {}, data.id[i]), flauEl("div", {}, text),
      flauEl("div", { class: "flau-tip-cluster" }, c === FLAU_OUTLIER ? "(hors groupe)" : `${c} · ${names.get(c)}`),
      flauEl("div", {}, `confiance ${data.conf[i].toFixed(2)}`),
      ...(data.added && data.added[i] ? [flauEl("div", { class: "flau-tip-added" }, "nouvelle ou modifiée depuis la version précédente")] : []),
    );
    tip.hidden = false;
    tip.style.left = `${Math.min(px + 14, W - 280)}px`; tip.style.top = `${Math.min(py + 14, H - 110)}px`;
  }

  let mode = "pan", drag = null;
  function setMode(m) { mode = m; for (const [k, b] of Object.entries(modes)) b.setAttribute("aria-pressed", String(k === m)); canvas.style.cursor = m === "pan" ? "grab" : "crosshair"; }
  for (const [k, b] of Object.entries(modes)) b.addEventListener("click", () => setMode(k));
  setMode("pan");

  const local = (ev) => { const r = canvas.getBoundingClientRect(); return [ev.clientX - r.left, ev.clientY - r.top]; };
  canvas.addEventListener("mousedown", (ev) => {
    const [x, y] = local(ev);
    const m = ev.shiftKey ? "lasso" : mode;
    drag = { mode: m, x0: x, y0: y, x, y, path: [[x, y]], cx: view.cx, cy: view.cy };
    tip.hidden = true;
  });
  window.addEventListener("mousemove", (ev) => {
    const [x, y] = local(ev);
    if (!drag) { if (ev.target === canvas) showTip(nearestAt(x, y, 8), x, y); return; }
    drag.x = x; drag.y = y;
    if (drag.mode === "pan") { view.cx = drag.cx - (x - drag.x0) / view.k; view.cy = drag.cy + (y - drag.y0) / view.k; }
    else if (drag.mode === "lasso") drag.path.push([x, y]);
    draw();
  });
  window.addEventListener("mouseup", () => {
    if (!drag) return;
    const d = drag; drag = null;
    if (d.mode === "box" && (Math.abs(d.x - d.x0) > 2 || Math.abs(d.y - d.y0) > 2)) {
      const [xa, xb] = [Math.min(d.x0, d.x), Math.max(d.x0, d.x)], [ya, yb] = [Math.min(d.y0, d.y), Math.max(d.y0, d.y)];
      select((i) => sx[i] >= xa && sx[i] <= xb && sy[i] >= ya && sy[i] <= yb);
    } else if (d.mode === "lasso" && d.path.length > 2) {
      const p = d.path;
      const xs = p.map((q) => q[0]), ys = p.map((q) => q[1]);
      const [xa, xb, ya, yb] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
      select((i) => sx[i] >= xa && sx[i] <= xb && sy[i] >= ya && sy[i] <= yb && inside(p, sx[i], sy[i]));
    } else if (d.mode !== "pan") select(() => false);  // a click without a drag clears the selection
    else draw();
  });
  root.addEventListener("keydown", (ev) => { if (ev.key === "Escape" && ev.target !== search) select(() => false); });
  canvas.addEventListener("mouseleave", () => { tip.hidden = true; });
  canvas.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const [x, y] = local(ev);
    const f = Math.exp(-ev.deltaY * 0.0015);
    const dx = (x - W / 2) / view.k + view.cx, dy = view.cy - (y - H / 2) / view.k;
    view.k *= f; view.cx = dx - (x - W / 2) / view.k; view.cy = dy + (y - H / 2) / view.k;
    draw();
  }, { passive: false });

  function inside(poly, x, y) {
    let hit = false;
    for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
      const [xi, yi] = poly[i], [xj, yj] = poly[j];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
    }
    return hit;
  }

  function select(test) {
    const out = [];
    for (let i = 0; i < n; i++) if (!hidden.has(labels[i]) && test(i)) out.push(i);
    selected = out;
    showSelection();
    draw();
  }

  // texts folded for search in idle slices after the first paint; a search before the end finishes it
  let foldedUpTo = 0;
  function foldSome(deadline) {
    const stop = deadline ? () => deadline.timeRemaining() < 2 : () => false;
    while (foldedUpTo < n && !stop()) {
      const end = Math.min(n, foldedUpTo + 2000);
      for (let i = foldedUpTo; i < end; i++) folded[i] = flauFold(data.id[i] + "\u0000" + data.text[i]);
      foldedUpTo = end;
    }
    if (foldedUpTo < n && deadline) idle(foldSome);
  }
  const idle = window.requestIdleCallback || ((f) => setTimeout(() => f({ timeRemaining: () => 8 }), 0));

  search.addEventListener("input", () => {
    const q = flauFold(search.value.trim());
    if (!q) { matches = null; count.textContent = ""; draw(); return; }
    foldSome(null);
    matches = new Uint8Array(n);
    let found = 0;
    for (let i = 0; i < n; i++) if (folded[i].includes(q)) { matches[i] = 1; found++; }
    count.textContent = `${found} résultat${found > 1 ? "s" : ""}`;
    draw();
  });

  replay();
  new ResizeObserver(resize).observe(stage);
  resize();
  root.dataset.ready = "1";
  idle(foldSome);
  return {
    edits: () => edits.slice(),
    selected: () => selected.map((i) => data.id[i]),
    select: (ids) => { const want = new Set(ids.map(String)); select((i) => want.has(data.id[i])); },
    // page coordinates of row i (for tests that hover or drag over a known point)
    pointAt: (i) => { const r = canvas.getBoundingClientRect(); return [r.left + sx[i], r.top + sy[i]]; },
    indexOf: (id) => rowOfId.get(String(id)),
    labelOf: (id) => labels[rowOfId.get(String(id))],
  };
}
