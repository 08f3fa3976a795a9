// flaucluster map: a canvas scatter of every usable row, with search, legend toggles, box and
// lasso selection, and curation edits kept as a log in the flaucluster-edits/1 format.
// No library, no request: every user text reaches the page through textContent only.
// Colours come with the data (palette.py: the same in the report's figures); group names are DOM
// elements placed without overlap at every zoom, so tests and screen readers read them.
"use strict";

const FLAU_OUTLIER = -1;
const FLAU_ADDED = "#d9480f";  // the ring of rows new since the parent run (flaucluster update)
const FLAU_NEW_GROUP = "#8d96a3"; // colour by theme: a group the list of themes does not have

const FLAU_PLAIN = /^[\x00-\x7f]*$/;
function flauFold(text) {
  const low = String(text).toLowerCase();
  return FLAU_PLAIN.test(low) ? low : low.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
}

// label boxes overlap when they share more than a hair (a pixel of rounding is not an overlap)
function flauOverlap(a, b) {
  return a[0] < b[2] - 0.5 && b[0] < a[2] - 0.5 && a[1] < b[3] - 0.5 && b[1] < a[3] - 0.5;
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
  // a colour belongs to a cluster id; a group made here takes the next colour no cluster uses
  const colorById = new Map(data.clusters.map((c) => [c.id, c.color]));
  const nextColors = data.new_colors && data.new_colors.length ? data.new_colors : ["#bb1144"];
  const clusterColor = (c) => colorById.get(c) || nextColors[(((c - data.next_id) % nextColors.length) + nextColors.length) % nextColors.length];
  // colour by domain: each cluster a shade of its coarsest group's colour (a group made here keeps its own)
  let byDomain = false;
  const domainColor = new Map(((data.layers && data.layers.length && data.layers[0].groups) || []).map((g) => [g.id, g.color]));
  const domainShade = new Map(Object.entries((data.layers && data.layers.length && data.layers[0].shade) || {}).map(([c, s]) => [Number(c), s]));
  // a cluster moved under another domain takes that domain's colour (its shade was drawn in the old one's hue)
  const domainTone = (c) => (layerOf[0].get(c) === baseOf[0].get(c) ? domainShade.get(c) : domainColor.get(layerOf[0].get(c)));
  const colorOf = (c) => (c === FLAU_OUTLIER ? data.outlier_color || "#b4b8be" : byTheme && !themeOf.get(c) ? FLAU_NEW_GROUP : byDomain && domainShade.has(c) ? domainTone(c) : clusterColor(c));
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
  // the layers above the clusters, coarsest first: each shows its names from a zoom, until the next one's
  const layers = data.layers || [];
  let layerNames = [];  // each coarser layer's group names, a person's renames included
  // each coarser layer's group of every cluster, as the page came (baseOf) and after the edits (layerOf)
  const baseOf = layers.map((layer) => new Map(Object.entries(layer.of).map(([c, g]) => [Number(c), g])));
  let layerOf = baseOf.map((m) => new Map(m));
  // the clusters in group g of a coarser layer; the clusters an item of the layer below `level` stands for
  const clustersIn = (level, g) => [...layerOf[level].entries()].filter(([, h]) => h === g).map(([c]) => c);
  const clustersUnder = (level, item) => (level + 1 === layers.length ? [item] : clustersIn(level + 1, item));
  const groupSize = new Map();
  const ZOOM_STEP = 1.8;
  const fromZoom = (level) => (level === 0 ? 0 : ZOOM_STEP ** level);

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
  const colorByDomain = flauEl("button", { type: "button", testid: "color-by-domain", "aria-pressed": "false" }, "Couleur : domaines");
  if (domainShade.size) bar.append(colorByDomain);
  // one colouring at a time: by group (the default), by theme or by domain; a pressed button goes back to groups
  function setColouring(mode) {
    byTheme = mode === "themes";
    byDomain = mode === "domains";
    for (const [btn, m, label] of [[colorBy, "themes", "Couleur : thèmes"], [colorByDomain, "domains", "Couleur : domaines"]]) {
      btn.setAttribute("aria-pressed", String(mode === m));
      btn.textContent = mode === m ? "Couleur : groupes" : label;
    }
    buildLegend();
    buildLabels();
    draw();
  }
  colorBy.addEventListener("click", () => setColouring(byTheme ? "groups" : "themes"));
  colorByDomain.addEventListener("click", () => setColouring(byDomain ? "groups" : "domains"));
  const body = flauEl("div", { class: "flau-body" });
  const stage = flauEl("div", { class: "flau-stage" });
  const canvas = flauEl("canvas", { testid: "map-canvas", "aria-label": "Carte des lignes" });
  // the groups' names, as elements over the canvas: placed in draw(), never over one another
  const labelLayer = flauEl("div", { class: "flau-labels", testid: "map-labels", role: "list", "aria-label": "Noms des groupes sur la carte" });
  const tip = flauEl("div", { testid: "tooltip", class: "flau-tip", role: "tooltip" });
  tip.hidden = true;
  // the canvas never sizes its stage (it is sized from it): no resize loop, whatever the page's CSS
  stage.style.position = "relative";
  Object.assign(canvas.style, { position: "absolute", left: "0", top: "0" });
  const fitBtn = flauEl("button", { type: "button", testid: "fit-view", class: "flau-fit", title: "Revenir à la vue d'ensemble" }, "Vue d'ensemble");
  stage.append(canvas, labelLayer, tip, fitBtn);
  const side = flauEl("aside", { class: "flau-side" });
  const legendFilter = flauEl("input", { type: "search", testid: "legend-filter", class: "flau-legend-filter", placeholder: "Filtrer les groupes…", "aria-label": "Filtrer les groupes" });
  const legend = flauEl("ul", { testid: "legend", class: "flau-legend" });
  const selInfo = flauEl("p", { testid: "selection-count", class: "flau-sel-count" }, "Aucune ligne sélectionnée.");
  const table = flauEl("table", { testid: "selection-table" });
  const thead = flauEl("thead");
  const hr = flauEl("tr");
  for (const h of ["id", "texte", "groupe", "confiance"]) hr.append(flauEl("th", { scope: "col" }, h));
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
  // a cluster under another group of the finest coarser layer, or a group under another of the layer above
  const reparentWhich = flauEl("select", { testid: "reparent-item", "aria-label": "Groupe à rattacher" });
  const reparentTo = flauEl("select", { testid: "reparent-to", "aria-label": "Ensemble qui le reçoit" });
  const reparentBtn = flauEl("button", { type: "button", testid: "reparent" }, "Rattacher à…");
  const log = flauEl("ol", { testid: "edit-log", class: "flau-log" });
  const row = (...els) => { const d = flauEl("div", { class: "flau-row" }); d.append(...els); return d; };
  actions.append(
    flauEl("h3", {}, "Sélection : la déplacer"),
    row(moveTo, moveBtn), row(newName, newBtn), row(unassignBtn),
    flauEl("h3", {}, "Groupes"), row(renameWhich, renameName, renameBtn), row(mergeA, mergeB, mergeBtn),
    ...(layers.length ? [row(reparentWhich, reparentTo, reparentBtn)] : []),
    flauEl("h3", {}, "Modifications (à télécharger)"), log,
  );
  // the selected rows under the map, full width: the text column gets the room (a fixed height, so that
  // selecting never resizes the map under the pointer)
  const selection = flauEl("section", { class: "flau-selection", testid: "selection", "aria-label": "Lignes sélectionnées" });
  const selHead = flauEl("div", { class: "flau-sel-head" });
  selHead.append(flauEl("h3", {}, "Lignes sélectionnées"), selInfo);
  const tableBox = flauEl("div", { class: "flau-table" });
  tableBox.append(table);
  selection.append(selHead, tableBox);
  const main = flauEl("div", { class: "flau-main" });
  main.append(stage, selection);
  side.append(flauEl("h3", {}, "Groupes (cliquer pour masquer)"), legendFilter, legend, actions);
  body.append(main, side);
  root.append(bar, body);

  // ---- state
  function replay() {
    labels = base.slice();
    names = new Map(baseNames);
    layerNames = layers.map((layer) => new Map(layer.groups.map((g) => [g.id, g.name])));
    layerOf = baseOf.map((m) => new Map(m));
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
    if (e.op === "rename" && e.layer !== undefined && e.layer < layers.length) layerNames[e.layer].set(e.cluster, e.name);
    else if (e.op === "rename") { names.set(e.cluster, e.name); custom.add(e.cluster); }
    else if (e.op === "merge") {
      const [keep, ...others] = e.clusters;
      const first = e.clusters.find((c) => custom.has(c));
      for (let i = 0; i < n; i++) if (others.includes(labels[i])) labels[i] = keep;
      if (first !== undefined) { names.set(keep, names.get(first)); custom.add(keep); }
      for (const c of others) { names.delete(c); custom.delete(c); }
    } else if (e.op === "reparent") {
      // the clusters under the item (the item itself, for a cluster) take the new group and its ancestors
      const level = e.layer, moved = clustersUnder(level, e.cluster);
      const inGroup = clustersIn(level, e.to).find((c) => !moved.includes(c));
      for (const c of moved) {
        layerOf[level].set(c, e.to);
        for (let k = 0; k < level; k++) if (inGroup !== undefined) layerOf[k].set(c, layerOf[k].get(inGroup));
      }
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
    groupSize.clear();
    // a group's name sits on its row nearest the median: on the points even when the group is in two parts
    const median = (v) => { const s = Float32Array.from(v).sort(); return s[s.length >> 1]; };
    const anchor = (rows) => {
      const mx = median(Array.from(rows, (i) => data.x[i])), my = median(Array.from(rows, (i) => data.y[i]));
      let best = rows[0], bestD = Infinity;
      for (const i of rows) { const d = (data.x[i] - mx) ** 2 + (data.y[i] - my) ** 2; if (d < bestD) { bestD = d; best = i; } }
      return [data.x[best], data.y[best]];
    };
    for (const [c, rows] of buckets) if (c !== FLAU_OUTLIER) centres.set(c, anchor(rows));
    // each coarser group's name on its rows' point nearest their median, as a cluster's
    for (const [level, layer] of layers.entries()) {
      const rowsOf = new Map();
      for (const [c, rows] of buckets) {
        const g = layerOf[level].get(c);
        if (g === undefined || c === FLAU_OUTLIER) continue;
        if (!rowsOf.has(g)) rowsOf.set(g, []);
        for (const i of rows) rowsOf.get(g).push(i);
      }
      for (const [g, rows] of rowsOf) {
        centres.set(`${level}:${g}`, anchor(rows));
        groupSize.set(`${level}:${g}`, rows.length);
      }
    }
    for (const c of [...names.keys()]) if (!buckets.has(c)) names.delete(c);
    for (const c of [...hidden]) if (!buckets.has(c)) hidden.delete(c);
    buildLabels();
    buildLegend();
    buildSelects();
    buildLog();
    showSelection();
  }

  function clusterIds() {
    return [...buckets.keys()].filter((c) => c !== FLAU_OUTLIER).sort((a, b) => a - b);
  }

  function filterLegend() {
    const q = flauFold(legendFilter.value.trim());
    for (const li of legend.children) li.hidden = q !== "" && !flauFold(li.textContent).includes(q);
  }
  legendFilter.addEventListener("input", filterLegend);

  function buildLegend() {
    legend.replaceChildren();
    legendFilter.hidden = clusterIds().length <= 12;  // a short legend needs no filter
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
    filterLegend();
  }

  function buildSelects() {
    for (const sel of [moveTo, renameWhich, mergeA, mergeB]) {
      const keep = sel.value;
      sel.replaceChildren();
      for (const c of clusterIds()) sel.append(flauEl("option", { value: String(c) }, `${c} · ${names.get(c)}`));
      if (sel === renameWhich) {  // the coarser layers' groups can be renamed too ("L0:2": group 2 of layer 0)
        layers.forEach((layer, level) => {
          const group = flauEl("optgroup", { label: `Niveau ${level}${level === 0 ? " (le plus large)" : ""}` });
          for (const g of layer.groups) group.append(flauEl("option", { value: `L${level}:${g.id}` }, `${g.id} · ${layerNames[level].get(g.id)}`));
          sel.append(group);
        });
      }
      if ([...sel.options].some((o) => o.value === keep)) sel.value = keep;
    }
    buildReparent();
  }

  // the groups of a layer that still hold rows
  const liveGroups = (level) => layers[level].groups.filter((g) => groupSize.has(`${level}:${g.id}`));

  function buildReparent() {
    if (!layers.length) return;
    const keep = reparentWhich.value;
    reparentWhich.replaceChildren();
    const finest = layers.length - 1;
    const clusters = flauEl("optgroup", { label: "Groupes" });
    for (const c of clusterIds()) if (layerOf[finest].has(c)) clusters.append(flauEl("option", { value: `${finest}:${c}` }, `${c} · ${names.get(c)}`));
    reparentWhich.append(clusters);
    for (let level = layers.length - 1; level >= 1; level--) {
      const group = flauEl("optgroup", { label: `Niveau ${level}` });
      for (const g of liveGroups(level)) group.append(flauEl("option", { value: `${level - 1}:${g.id}` }, `${g.id} · ${layerNames[level].get(g.id)}`));
      reparentWhich.append(group);
    }
    if ([...reparentWhich.options].some((o) => o.value === keep)) reparentWhich.value = keep;
    buildReparentTo();
  }

  function buildReparentTo() {
    const keep = reparentTo.value;
    reparentTo.replaceChildren();
    const [level] = reparentWhich.value.split(":").map(Number);
    if (Number.isNaN(level)) return;
    for (const g of liveGroups(level)) reparentTo.append(flauEl("option", { value: String(g.id) }, `${g.id} · ${layerNames[level].get(g.id)} (niveau ${level})`));
    if ([...reparentTo.options].some((o) => o.value === keep)) reparentTo.value = keep;
    if (mergeB.options.length > 1 && mergeB.value === mergeA.value) mergeB.selectedIndex = mergeA.selectedIndex === 0 ? 1 : 0;
  }

  function describe(e) {
    const who = e.op === "move" || e.op === "unassign" ? (e.ids || e.rows).length : 0;
    if (e.op === "rename" && e.layer !== undefined) return `renommer l'ensemble ${e.cluster} du niveau ${e.layer} en « ${e.name} »`;
    if (e.op === "rename") return `renommer ${e.cluster} en « ${e.name} »`;
    if (e.op === "merge") return `fusionner ${e.clusters.slice(1).join(", ")} dans ${e.clusters[0]}`;
    if (e.op === "reparent") return `rattacher ${e.layer + 1 === layers.length ? "le groupe" : `l'ensemble`} ${e.cluster} à l'ensemble ${e.to} du niveau ${e.layer}`;
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
      const group = c === FLAU_OUTLIER ? "(hors groupe)" : `${c} · ${names.get(c)}`;
      tr.append(flauEl("td", {}, data.id[i]), flauEl("td", { title: data.text[i] }, data.text[i]),
        flauEl("td", { title: group }, group), flauEl("td", {}, data.conf[i].toFixed(2)));
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
    const which = renameWhich.value;
    if (!name || which === "") return;
    const layered = /^L(\d+):(-?\d+)$/.exec(which);
    addEdit(layered ? { op: "rename", layer: Number(layered[1]), cluster: Number(layered[2]), name } : { op: "rename", cluster: Number(which), name });
    renameName.value = "";
  });
  reparentWhich.addEventListener("change", buildReparentTo);
  reparentBtn.addEventListener("click", () => {
    const [level, item] = reparentWhich.value.split(":").map(Number);
    const to = Number(reparentTo.value);
    if (reparentWhich.value === "" || reparentTo.value === "") return;
    const now = layerOf[level].get(clustersUnder(level, item)[0]);
    if (now !== to) addEdit({ op: "reparent", cluster: item, to, layer: level });
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
  let W = 0, H = 0, fitK = 1;
  // the view follows the element's real size (a notebook output gets it late, or changes it) until the
  // user pans or zooms; "Vue d'ensemble" hands it back
  let userMoved = false;
  const sx = new Float32Array(n), sy = new Float32Array(n);

  function fit() { view.cx = 0.5; view.cy = 0.5; view.k = fitK = Math.min(W, H) * 0.92; }

  function resize() {
    const r = stage.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) return;  // not shown yet: drawn when it gets a size
    W = r.width; H = r.height;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr);
    canvas.style.width = `${W}px`; canvas.style.height = `${H}px`;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    if (!userMoved) fit();
    draw();
  }
  fitBtn.addEventListener("click", () => { userMoved = false; fit(); draw(); });

  // ---- labels: one per named group. The clusters are layer 0, the coarser layers -1, -2, ... (the
  // coarsest first): each layer's names show from a zoom until the next layer's do, coarse names at the
  // first view; coarser layers are placed first, then larger groups.
  let labelItems = [];
  const labelEls = new Map();
  function labelText(c) { const t = names.get(c) || ""; return t.length > 40 ? t.slice(0, 39) + "…" : t; }
  function buildLabels() {
    const depth = byTheme ? 0 : layers.length;
    labelItems = clusterIds().map((c) => ({ key: `0:${c}`, layer: 0, minZoom: fromZoom(depth), maxZoom: Infinity, id: c, text: labelText(c), full: names.get(c) || "", size: buckets.get(c).length, w: 0, h: 0 }));
    for (let level = 0; level < depth; level++) {
      for (const g of layers[level].groups) {
        const key = `${level}:${g.id}`;
        if (!centres.has(key)) continue;  // emptied on the page
        const full = layerNames[level].get(g.id) || g.name, text = full.length > 40 ? full.slice(0, 39) + "…" : full;
        const members = clustersIn(level, g.id);
        labelItems.push({ key: `L${key}`, layer: level - depth, minZoom: fromZoom(level), maxZoom: fromZoom(level + 1), id: g.id, members, text, full, size: groupSize.get(key), w: 0, h: 0 });
      }
    }
    labelItems.sort((a, b) => a.layer - b.layer || b.size - a.size || a.id - b.id);
    const keep = new Set(labelItems.map((l) => l.key));
    for (const [key, el] of labelEls) if (!keep.has(key)) { el.remove(); labelEls.delete(key); }
    for (const item of labelItems) {
      let el = labelEls.get(item.key);
      if (!el) {
        el = flauEl("span", { testid: "map-label", class: "flau-label", role: "listitem" });
        labelEls.set(item.key, el);
        labelLayer.append(el);
      }
      el.textContent = item.text;
      el.title = item.full;
      el.dataset.cluster = String(item.id);
      el.dataset.layer = String(item.layer);
      el.dataset.minZoom = String(item.minZoom);
      el.classList.toggle("coarse", item.layer < 0);
      el.style.borderLeftColor = item.layer >= 0 ? colorOf(item.id) : byDomain && item.layer === -layers.length ? domainColor.get(item.id) : "#495057";
      el.hidden = true;
    }
  }
  function measureLabels() {  // in one pass (all shown, then all read): one layout, not one per label
    const todo = labelItems.filter((l) => !l.w);
    if (!todo.length) return;
    for (const l of todo) { const el = labelEls.get(l.key); el.hidden = false; el.style.transform = "translate(-9999px, 0)"; }
    for (const l of todo) { const el = labelEls.get(l.key); l.w = el.offsetWidth; l.h = el.offsetHeight; }
  }
  const RING = [[0, 0]];
  for (const f of [1, 1.7, 2.5]) for (const [a, b] of [[0, -1], [0, 1], [1, 0], [-1, 0], [1, -1], [-1, -1], [1, 1], [-1, 1]]) RING.push([a * f, b * f]);
  // greedy on boxes: each label at its group's centre, else at the nearest free place around it with a
  // leader line, else hidden (the lesser label gives way); returns the leader lines to draw
  function placeLabels() {
    measureLabels();
    const zoom = view.k / fitK;
    const boxes = [], leaders = [];
    for (const l of labelItems) {
      const el = labelEls.get(l.key);
      const at = l.layer < 0 ? centres.get(l.key.slice(1)) : centres.get(l.id);
      const shown = l.layer < 0 ? l.members.some((c) => !hidden.has(c)) : !hidden.has(l.id);
      let spot = null;
      if (at && shown && zoom >= l.minZoom && zoom < l.maxZoom && l.w) {
        const px = (at[0] - view.cx) * view.k + W / 2, py = (view.cy - at[1]) * view.k + H / 2;
        for (const [fx, fy] of RING) {
          const x = px + fx * (l.w / 2 + 8) - l.w / 2, y = py + fy * (l.h + 4) - l.h / 2;
          const box = [x, y, x + l.w, y + l.h];
          if (x < 2 || y < 2 || box[2] > W - 2 || box[3] > H - 2) continue;
          if (boxes.some((b) => flauOverlap(box, b))) continue;
          spot = { box, px, py, moved: fx !== 0 || fy !== 0 };
          break;
        }
      }
      el.hidden = spot === null;
      if (!spot) continue;
      boxes.push(spot.box);
      el.style.transform = `translate(${Math.round(spot.box[0])}px, ${Math.round(spot.box[1])}px)`;
      el.classList.toggle("moved", spot.moved);
      if (spot.moved) {
        const [x0, y0, x1, y1] = spot.box;
        leaders.push([spot.px, spot.py, Math.min(Math.max(spot.px, x0), x1), Math.min(Math.max(spot.py, y0), y1)]);
      }
    }
    return leaders;
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
    ctx.strokeStyle = "#4a5160"; ctx.lineWidth = 1; ctx.fillStyle = "#4a5160";
    for (const [x0, y0, x1, y1] of placeLabels()) {
      ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke();
      ctx.beginPath(); ctx.arc(x0, y0, 2.5, 0, 2 * Math.PI); ctx.fill();
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
  const onMove = (ev) => {
    const [x, y] = local(ev);
    if (!drag) { if (ev.target === canvas) showTip(nearestAt(x, y, 8), x, y); return; }
    drag.x = x; drag.y = y;
    if (drag.mode === "pan") {
      if (Math.abs(x - drag.x0) + Math.abs(y - drag.y0) > 2) userMoved = true;
      view.cx = drag.cx - (x - drag.x0) / view.k; view.cy = drag.cy + (y - drag.y0) / view.k;
    }
    else if (drag.mode === "lasso") drag.path.push([x, y]);
    draw();
  };
  const onUp = () => {
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
  };
  window.addEventListener("mousemove", onMove);
  window.addEventListener("mouseup", onUp);
  root.addEventListener("keydown", (ev) => { if (ev.key === "Escape" && ev.target !== search) select(() => false); });
  canvas.addEventListener("mouseleave", () => { tip.hidden = true; });
  canvas.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const [x, y] = local(ev);
    const f = Math.exp(-ev.deltaY * 0.0015);
    const dx = (x - W / 2) / view.k + view.cx, dy = view.cy - (y - H / 2) / view.k;
    view.k *= f; view.cx = dx - (x - W / 2) / view.k; view.cy = dy + (y - H / 2) / view.k;
    userMoved = true;
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
  const observer = new ResizeObserver(resize);
  observer.observe(stage);
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
    // the view's zoom, 1 when it fits the map to the element
    zoom: () => view.k / fitK,
    // stop listening to the window and the element (before the map is drawn again in the same place)
    destroy: () => { observer.disconnect(); window.removeEventListener("mousemove", onMove); window.removeEventListener("mouseup", onUp); },
  };
}
