// The Fugong dashboard: one day's county map, provincial composite and trend, city/county table
// and industry bars, from the engine's /v1 API, following newly published days live.
//
// Plain script, no build step and nothing fetched from elsewhere: the engine serves this file
// itself. State for tests: body[data-date] is the day shown, body[data-ready] is "1" once its
// map, table and bars are rendered, window.fugongUpdates counts reloads caused by live records.
"use strict";

(function () {
  const TIERS = [
    { n: 0, name: "no data", colour: "grey", range: "" },
    { n: 1, name: "T1", colour: "green", range: "≥ 80" },
    { n: 2, name: "T2", colour: "blue", range: "60–80" },
    { n: 3, name: "T3", colour: "yellow", range: "40–60" },
    { n: 4, name: "T4", colour: "orange", range: "20–40" },
    { n: 5, name: "T5", colour: "red", range: "< 20" },
  ];
  const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  // A day publishes a burst of records (and a catch-up many days): wait for the burst to end, but
  // not forever while records keep coming.
  const DEBOUNCE_MS = 300;
  const MAX_DEFER_MS = 2000;
  const POLL_MS = 30000;
  const WAIT_FOR_FIRST_DAY_MS = 5000;
  const STREAM_OPEN_WAIT_MS = 1500;
  // A county is marked when more than this share of its eligible enterprises is suspected of
  // idle running: the threshold of the alert FugongCountyIdleSuspects (deploy/prometheus).
  const SUSPECT_SHARE_MARK = 0.1;

  const state = {
    dates: [],
    current: null,
    regions: null, // code -> {code, name, level, parent}, or null when /v1/regions failed
    provinceCode: null,
    renderSeq: 0,
    rows: [],
    sort: { key: null, dir: 1 },
    refreshTimer: null,
    firstPending: 0,
    pendingDates: new Set(), // dates of live records not yet reloaded
    pollTimer: null,
    refreshing: null,
  };
  window.fugongUpdates = 0;

  const $ = (id) => document.getElementById(id);
  const SVG_NS = "http://www.w3.org/2000/svg";

  // ---- formatting --------------------------------------------------------------------------

  function tierOf(record) {
    if (!record || record.suppressed || typeof record.tier !== "string") return 0;
    const m = /^T([1-5])$/.exec(record.tier);
    return m ? Number(m[1]) : 0;
  }
  function hasFigures(record) {
    return !!record && !record.suppressed && typeof record.composite === "number";
  }
  // The day-shape figures (docs/day-shape.md) are in records of runs that read interval meters.
  function readsShapes(records) {
    return records.some((r) => r && "shape_judged" in r);
  }
  // suspect_idle / eligible, or null when the record has no such figures.
  function suspectShare(record) {
    if (!hasFigures(record) || typeof record.suspect_idle !== "number") return null;
    return record.eligible > 0 ? record.suspect_idle / record.eligible : null;
  }
  function manySuspects(record) {
    const share = suspectShare(record);
    return share !== null && share > SUSPECT_SHARE_MARK;
  }
  function fixed1(x) {
    return typeof x === "number" && isFinite(x) ? x.toFixed(1) : "–";
  }
  function percent(x) {
    return typeof x === "number" && isFinite(x) ? (100 * x).toFixed(1) + " %" : "–";
  }
  function integer(x) {
    return typeof x === "number" && isFinite(x) ? Math.round(x).toLocaleString("en-US") : "–";
  }
  function dayNumber(date) {
    return Math.round(Date.parse(date + "T00:00:00Z") / 86400000);
  }
  function weekday(date) {
    return WEEKDAYS[new Date(date + "T00:00:00Z").getUTCDay()];
  }
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  function svgEl(tag, attrs, text) {
    const e = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }
  // The tier as text on its colour, so that the tier never depends on seeing the colour.
  function tierBadge(record, missingText) {
    if (!record) return el("span", { class: "tier t0", text: missingText || "no data" });
    const t = tierOf(record);
    if (t === 0)
      return el("span", { class: "tier t0", text: record.suppressed ? "suppressed" : "no tier" });
    return el("span", { class: "tier t" + t, text: TIERS[t].name + " " + TIERS[t].colour });
  }

  // ---- errors ------------------------------------------------------------------------------

  class ApiError extends Error {}

  async function request(url) {
    let response;
    try {
      response = await fetch(url, { cache: "no-store" });
    } catch (e) {
      throw new ApiError("cannot reach the Fugong service (" + url + ")");
    }
    if (!response.ok) {
      let detail = "";
      try {
        const body = await response.json();
        if (body && body.error) detail = ": " + body.error;
      } catch (e) {
        // not JSON: the status says enough
      }
      throw new ApiError(url + " answered HTTP " + response.status + detail);
    }
    return response;
  }
  async function getJSON(url) {
    const response = await request(url);
    try {
      return await response.json();
    } catch (e) {
      throw new ApiError(url + " did not return JSON");
    }
  }
  async function getText(url) {
    return (await request(url)).text();
  }
  function message(e) {
    return e instanceof ApiError
      ? e.message
      : "unexpected error: " + (e && e.message ? e.message : e);
  }
  function showBanner(text) {
    $("banner-text").textContent = text;
    $("banner").hidden = false;
  }
  function hideBanner() {
    $("banner").hidden = true;
  }
  function panelError(container, text) {
    container.replaceChildren(el("p", { class: "panel-error", text: text }));
  }
  function tableMessage(cls, text) {
    const cell = el("td", { colspan: 9, class: cls, text: text });
    $("regions").tBodies[0].replaceChildren(el("tr", {}, cell));
  }

  // ---- the day chooser ---------------------------------------------------------------------

  function latest() {
    return state.dates.length ? state.dates[state.dates.length - 1] : null;
  }

  async function loadDates() {
    const body = await getJSON("/v1/dates");
    if (!body || !Array.isArray(body.dates)) throw new ApiError("/v1/dates: no dates list");
    state.dates = body.dates.slice().sort();
    fillChooser();
  }

  function fillChooser() {
    const select = $("day");
    const newest = latest();
    const options = state.dates
      .slice()
      .reverse()
      .map((d) =>
        el("option", { value: d, text: d + " " + weekday(d) + (d === newest ? " (latest)" : "") }),
      );
    if (!options.length) options.push(el("option", { value: "", text: "no day published yet" }));
    select.replaceChildren(...options);
    select.disabled = !state.dates.length;
    if (state.current) select.value = state.current;
    updateStepButtons();
  }

  function updateStepButtons() {
    const i = state.dates.indexOf(state.current);
    $("prev").disabled = i <= 0;
    $("next").disabled = i < 0 || i >= state.dates.length - 1;
    $("to-latest").hidden = !state.current || state.current === latest();
  }

  function choose(date) {
    if (!date || state.dates.indexOf(date) < 0) return;
    if (date === latest()) history.replaceState(null, "", location.pathname + location.search);
    else history.replaceState(null, "", "#" + date);
    renderDay(date);
  }

  // ---- one day -----------------------------------------------------------------------------

  // Renders every panel of `date`. A later call supersedes an earlier one still in flight, so a
  // slow answer for an old day never overwrites a newer day.
  async function renderDay(date) {
    const seq = ++state.renderSeq;
    const stale = () => seq !== state.renderSeq;
    document.body.dataset.ready = "0";
    document.body.classList.add("loading");
    const enc = encodeURIComponent(date);
    const level = (l) => getJSON("/v1/index?date=" + enc + "&level=" + l);
    const [map, province, city, county, industry, riskMap, matrix] = await Promise.allSettled([
      getText("/v1/map/" + enc + ".svg"),
      level("province"),
      level("city"),
      level("county"),
      level("industry"),
      getText("/v1/map/" + enc + ".svg?layer=risk"),
      getJSON("/v1/matrix?date=" + enc),
    ]);
    if (stale()) return false;
    const errors = [];
    const failed = (result) => {
      if (result.status === "rejected") errors.push(message(result.reason));
      return result.status === "rejected";
    };

    for (const id of [
      "map-date",
      "risk-date",
      "matrix-date",
      "province-date",
      "industry-date",
      "table-date",
    ]) {
      $(id).textContent = date + " " + weekday(date);
    }
    let complete = true;
    // A map into its panel: null, and the panel says so, when it could not be loaded or shown.
    const showMap = (result, container, what) => {
      if (failed(result)) {
        panelError(container, "The " + what + " could not be loaded.");
        complete = false;
        return null;
      }
      try {
        return renderMap(container, result.value);
      } catch (e) {
        errors.push(message(e));
        panelError(container, "The " + what + " could not be shown.");
        complete = false;
        return null;
      }
    };
    const tierSvg = showMap(map, $("map"), "map");
    if (tierSvg && county.status === "fulfilled") markSuspects(tierSvg, county.value.records || []);
    const riskSvg = showMap(riskMap, $("risk-map"), "risk chart");
    if (riskSvg) {
      $("risk-note").hidden = riskSvg.querySelector('rect.tile:not([data-risk=""])') !== null;
    }
    if (failed(matrix)) {
      panelError($("matrix"), "The risk matrix could not be loaded.");
      complete = false;
    } else {
      renderMatrix(matrix.value);
    }
    const provinceRecord = failed(province) ? null : (province.value.records || [])[0] || null;
    if (provinceRecord) state.provinceCode = provinceRecord.code;
    renderProvince(provinceRecord, province.status === "rejected");
    if (failed(city) || failed(county)) {
      tableMessage("panel-error", "The city and county figures could not be loaded.");
      complete = false;
    } else {
      setRows((city.value.records || []).concat(county.value.records || []));
    }
    if (failed(industry)) {
      panelError($("industries"), "The industry figures could not be loaded.");
      complete = false;
    } else {
      renderIndustries(industry.value.records || []);
    }

    state.current = date;
    $("day").value = date;
    // The day's print-ready bulletin (A4; the browser's print gives its PDF).
    $("bulletin").href = "/v1/bulletin/" + enc + ".html";
    $("bulletin").hidden = false;
    updateStepButtons();
    document.body.classList.remove("loading");
    if (errors.length)
      showBanner("Some figures of " + date + " are missing — " + errors.join("; "));
    else hideBanner();
    document.body.dataset.date = date;
    document.body.dataset.ready = complete ? "1" : "error";
    loadTrend(seq);
    return complete;
  }

  // ---- map ---------------------------------------------------------------------------------

  // The engine's SVG is inlined (not an <img>) so the tiles are in the DOM: clickable, and
  // testable. Its own title and legend are dropped: the page has both, for all panels.
  function renderMap(container, text) {
    const doc = new DOMParser().parseFromString(text, "image/svg+xml");
    const root = doc.documentElement;
    if (!root || root.localName !== "svg" || doc.getElementsByTagName("parsererror").length) {
      throw new ApiError("the map is not valid SVG");
    }
    const svg = document.importNode(root, true);
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.classList.add("county-map");
    svg.querySelectorAll("text.title, text.subtitle, g.legend").forEach((e) => e.remove());
    container.replaceChildren(svg);
    let box = null;
    for (const part of svg.querySelectorAll(
      "g.tiles, path.city-borders, g.city-names, text.footnote",
    )) {
      const b = part.getBBox();
      if (!b.width && !b.height) continue;
      box = box
        ? {
            x0: Math.min(box.x0, b.x),
            y0: Math.min(box.y0, b.y),
            x1: Math.max(box.x1, b.x + b.width),
            y1: Math.max(box.y1, b.y + b.height),
          }
        : { x0: b.x, y0: b.y, x1: b.x + b.width, y1: b.y + b.height };
    }
    if (box) {
      const pad = 6;
      svg.setAttribute(
        "viewBox",
        [box.x0 - pad, box.y0 - pad, box.x1 - box.x0 + 2 * pad, box.y1 - box.y0 + 2 * pad].join(
          " ",
        ),
      );
    }
    for (const tile of svg.querySelectorAll("rect.tile")) {
      tile.addEventListener("click", () => highlightRow(tile.getAttribute("data-code")));
    }
    return svg;
  }

  // Counties with many suspects of idle running get a badge on their tile (and the tile
  // data-suspects="many"): where inspectors should look first (/v1/suspects lists them).
  function markSuspects(svg, records) {
    $("suspects-legend").hidden = !readsShapes(records);
    const byCode = new Map(records.map((r) => [r.code, r]));
    for (const tile of svg.querySelectorAll("rect.tile")) {
      const code = tile.getAttribute("data-code");
      const r = byCode.get(code);
      const many = manySuspects(r);
      tile.setAttribute("data-suspects", many ? "many" : "");
      if (!many) continue;
      const x = Number(tile.getAttribute("x")) + Number(tile.getAttribute("width")) - 9;
      const y = Number(tile.getAttribute("y")) + 9;
      const badge = svgEl("g", { class: "suspect-mark", "data-code": code });
      badge.append(
        svgEl("circle", { cx: x, cy: y, r: 7.5 }),
        svgEl("text", { x: x, y: y + 4, "text-anchor": "middle" }, "!"),
        svgEl(
          "title",
          {},
          (r.name || code) +
            ": " +
            r.suspect_idle +
            " of " +
            r.eligible +
            " eligible suspected of idle running (" +
            percent(suspectShare(r)) +
            ")",
        ),
      );
      badge.addEventListener("click", () => highlightRow(code));
      // After every tile and label of the group, so that it is drawn on top.
      tile.parentNode.append(badge);
    }
  }

  // ---- risk matrix -------------------------------------------------------------------------

  const RISK_LABELS = {
    very_high: "very high",
    high: "high",
    medium: "medium",
    lower: "lower",
    low: "low",
  };

  // The /v1/matrix answer as a table, risk rows by tier columns, each cell the number of
  // counties (their names on hover), and the two lists officials act on.
  function renderMatrix(m) {
    const tiers = ["T1", "T2", "T3", "T4", "T5"];
    const head = el("tr", {}, el("th", { scope: "col" }, "risk ↓ tier →"));
    for (const t of tiers) head.append(el("th", { scope: "col" }, t));
    const body = el("tbody");
    for (const row of m.matrix || []) {
      const tr = el("tr", { "data-risk": row.risk });
      tr.append(el("th", { scope: "row" }, RISK_LABELS[row.risk] || row.risk));
      for (const t of tiers) {
        const counties = (row.tiers && row.tiers[t]) || [];
        const low = row.risk === "low" || row.risk === "lower";
        const high = row.risk === "high" || row.risk === "very_high";
        let cls = counties.length ? "" : "empty";
        if (counties.length && low && (t === "T4" || t === "T5")) cls = "held";
        if (counties.length && high && (t === "T1" || t === "T2")) cls = "ahead";
        const td = el(
          "td",
          { "data-tier": t, "data-count": String(counties.length), class: cls },
          String(counties.length),
        );
        if (counties.length) td.title = counties.map((c) => c.name || c.code).join(", ");
        tr.append(td);
      }
      body.append(tr);
    }
    const table = el("table", { class: "matrix" }, el("thead", {}, head), body);
    const list = (id, title, counties) => {
      const ul = el("ul", { id });
      for (const c of counties || []) {
        ul.append(
          el(
            "li",
            { "data-code": c.code },
            (c.name || c.code) + " — " + (RISK_LABELS[c.risk] || "?") + ", " + (c.tier || "?"),
          ),
        );
      }
      if (!ul.children.length) ul.append(el("li", { class: "none" }, "none"));
      return el("div", {}, el("h3", {}, title), ul);
    };
    $("matrix").replaceChildren(
      table,
      el(
        "div",
        { class: "outliers" },
        list("held-back", "Held back", m.held_back),
        list("ahead-of-risk", "Ahead of their risk", m.ahead_of_risk),
      ),
    );
  }

  // ---- province ----------------------------------------------------------------------------

  function renderProvince(record, failed) {
    const box = $("province");
    if (!record) {
      panelError(
        box,
        failed
          ? "The provincial figure could not be loaded."
          : "No provincial record for this day.",
      );
      return;
    }
    const t = tierOf(record);
    const big = el(
      "div",
      { class: "headline" },
      el("span", {
        class: "big",
        text: hasFigures(record) ? fixed1(record.composite) : "suppressed",
      }),
      tierBadge(record),
      el("span", { class: "delta", id: "province-delta" }),
    );
    const facts = el("dl", { class: "facts" });
    const fact = (name, value) =>
      facts.append(el("div", {}, el("dt", { text: name }), el("dd", { text: value })));
    const shapes = "shape_judged" in record;
    fact("Resumption rate", percent(record.resumption_rate));
    if (shapes) fact("Active rate (day shape)", percent(record.active_rate));
    fact("Load recovery", percent(record.load_recovery));
    fact("Resumed / eligible", integer(record.resumed) + " / " + integer(record.eligible));
    fact("Meter coverage", percent(record.coverage));
    if (shapes) {
      fact(
        "Suspected idle running",
        integer(record.suspect_idle) + " of " + integer(record.eligible) + " eligible",
      );
    }
    // SPEC last_year: the same lunar day of the previous season (days from the Spring Festival).
    if (record.last_year && typeof record.last_year.composite === "number") {
      const then = record.last_year.composite;
      const change = hasFigures(record)
        ? " (" + (record.composite >= then ? "+" : "−") + fixed1(Math.abs(record.composite - then)) + ")"
        : "";
      facts.append(
        el(
          "div",
          { id: "province-last-year", "data-date": record.last_year.date },
          el("dt", { text: "Same lunar day last season (" + record.last_year.date + ")" }),
          el("dd", { text: fixed1(then) + change }),
        ),
      );
    }
    const notes = [];
    if (record.name) notes.push(record.name);
    if (record.holiday) notes.push("a public holiday or weekend");
    if (record.revision > 1) notes.push("revision " + record.revision);
    if (t)
      notes.push(
        "tier " + TIERS[t].name + " (" + TIERS[t].colour + ", composite " + TIERS[t].range + ")",
      );
    box.replaceChildren(big, facts, el("p", { class: "note", text: notes.join(" · ") }));
  }

  // ---- trend -------------------------------------------------------------------------------

  async function loadTrend(seq) {
    const container = $("trend");
    let code = state.provinceCode;
    if (!code && state.regions) {
      const p = Object.values(state.regions).find((r) => r.level === "province");
      code = p ? p.code : null;
    }
    if (!code) {
      panelError(container, "No province to draw.");
      return;
    }
    try {
      const body = await getJSON(
        "/v1/index/series?level=province&code=" + encodeURIComponent(code),
      );
      if (seq !== state.renderSeq) return;
      renderTrend(body.records || []);
    } catch (e) {
      if (seq !== state.renderSeq) return;
      panelError(container, "The trend could not be loaded.");
      showBanner(message(e));
    }
  }

  // A line of the daily composite over tier bands, the shown day marked; a click picks a day.
  function renderTrend(records) {
    const container = $("trend");
    const points = records
      .filter((r) => typeof r.date === "string")
      .map((r) => ({ date: r.date, day: dayNumber(r.date), v: hasFigures(r) ? r.composite : null }))
      .sort((a, b) => a.day - b.day);
    if (!points.length) {
      panelError(container, "No provincial records yet.");
      return;
    }
    const W = 640,
      H = 230,
      L = 34,
      R = 14,
      T = 10,
      B = 26;
    const values = points.filter((p) => p.v !== null).map((p) => p.v);
    const yMax = Math.max(100, Math.ceil(Math.max(0, ...values) / 10) * 10);
    const d0 = points[0].day,
      d1 = points[points.length - 1].day;
    const x = (day) => L + (d1 === d0 ? (W - L - R) / 2 : ((day - d0) * (W - L - R)) / (d1 - d0));
    const y = (v) => T + (H - T - B) * (1 - Math.min(Math.max(v, 0), yMax) / yMax);

    const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, class: "trend-chart", role: "img" });
    const current = points.find((p) => p.date === state.current);
    const last = [...points].reverse().find((p) => p.v !== null);
    svg.append(
      svgEl(
        "title",
        {},
        `Provincial composite index ${points[0].date} to ${points[points.length - 1].date}` +
          (last ? `; ${fixed1(last.v)} on ${last.date}` : ""),
      ),
    );
    const bands = [
      [80, yMax, 1],
      [60, 80, 2],
      [40, 60, 3],
      [20, 40, 4],
      [0, 20, 5],
    ];
    for (const [lo, hi, t] of bands) {
      svg.append(
        svgEl("rect", {
          class: "band t" + t,
          x: L,
          y: y(hi),
          width: W - L - R,
          height: y(lo) - y(hi),
        }),
      );
    }
    for (let v = 0; v <= 100; v += 20) {
      svg.append(svgEl("line", { class: "grid", x1: L, x2: W - R, y1: y(v), y2: y(v) }));
      svg.append(
        svgEl("text", { class: "axis", x: L - 5, y: y(v) + 4, "text-anchor": "end" }, String(v)),
      );
    }
    const ticks = Math.min(6, points.length);
    for (let i = 0; i < ticks; ++i) {
      const p = points[Math.round((i * (points.length - 1)) / Math.max(1, ticks - 1))];
      const anchor = i === 0 ? "start" : i === ticks - 1 ? "end" : "middle";
      svg.append(
        svgEl(
          "text",
          { class: "axis", x: x(p.day), y: H - 8, "text-anchor": anchor },
          p.date.slice(5),
        ),
      );
    }
    // Suppressed days break the line rather than being bridged.
    let d = "";
    let pen = false;
    for (const p of points) {
      if (p.v === null) {
        pen = false;
        continue;
      }
      d += (pen ? "L" : "M") + x(p.day).toFixed(1) + " " + y(p.v).toFixed(1);
      pen = true;
    }
    svg.append(svgEl("path", { class: "line", d: d }));
    if (current) {
      svg.append(
        svgEl("line", {
          class: "cursor",
          x1: x(current.day),
          x2: x(current.day),
          y1: T,
          y2: H - B,
        }),
      );
      if (current.v !== null)
        svg.append(svgEl("circle", { class: "dot", cx: x(current.day), cy: y(current.v), r: 4.5 }));
    }
    svg.addEventListener("click", (event) => {
      const rect = svg.getBoundingClientRect();
      const vx = ((event.clientX - rect.left) * W) / rect.width;
      let best = null;
      for (const p of points) {
        if (!best || Math.abs(x(p.day) - vx) < Math.abs(x(best.day) - vx)) best = p;
      }
      if (best) choose(best.date);
    });
    container.replaceChildren(svg);

    const delta = $("province-delta");
    const i = current ? points.indexOf(current) : -1;
    if (delta && i > 0 && current.v !== null && points[i - 1].v !== null) {
      const change = current.v - points[i - 1].v;
      delta.textContent =
        (change >= 0 ? "▲ +" : "▼ −") + Math.abs(change).toFixed(1) + " on the day before";
    }
  }

  // ---- industries --------------------------------------------------------------------------

  function renderIndustries(records) {
    const box = $("industries");
    if (!records.length) {
      panelError(box, "No industry records for this day.");
      return;
    }
    const sorted = records.slice().sort((a, b) => {
      const av = hasFigures(a) ? a.composite : -Infinity,
        bv = hasFigures(b) ? b.composite : -Infinity;
      return bv - av || String(a.code).localeCompare(String(b.code));
    });
    const list = el("ol", { class: "bars" });
    for (const r of sorted) {
      const t = tierOf(r);
      const bar = el("span", { class: "bar t" + t });
      // Through the CSSOM, not a style attribute, so a strict Content-Security-Policy allows it.
      bar.style.width = (hasFigures(r) ? Math.min(100, Math.max(0, r.composite)) : 100) + "%";
      list.append(
        el(
          "li",
          { "data-code": r.code, "data-tier": t },
          el("span", { class: "bar-label", title: r.name || r.code, text: r.name || r.code }),
          el("span", { class: "bar-track" }, bar),
          el(
            "span",
            { class: "bar-value" },
            hasFigures(r) ? fixed1(r.composite) : "",
            tierBadge(r),
          ),
        ),
      );
    }
    box.replaceChildren(list);
  }

  // ---- table -------------------------------------------------------------------------------

  const LEVEL_ORDER = { province: 0, city: 1, county: 2 };

  // Rows are the day's city and county records; a region of the table without a record still
  // gets a row ("no data"), as it gets a tile on the map.
  function setRows(records) {
    const byCode = new Map();
    for (const r of records) byCode.set(r.code, r);
    const rows = records.map((r) => ({
      code: r.code,
      level: r.level,
      name: r.name,
      parent: parentOf(r.code),
      record: r,
    }));
    if (state.regions) {
      for (const region of Object.values(state.regions)) {
        if ((region.level === "city" || region.level === "county") && !byCode.has(region.code)) {
          rows.push({
            code: region.code,
            level: region.level,
            name: region.name,
            parent: region.parent,
            record: null,
          });
        }
      }
    }
    state.rows = rows;
    renderRows();
  }

  function parentOf(code) {
    const region = state.regions && state.regions[code];
    return region ? region.parent : null;
  }

  // The default order keeps each city above its counties.
  function hierarchyKey(row) {
    const city = row.level === "city" ? row.code : row.parent || row.code;
    return city + "|" + (row.level === "city" ? "0" : "1") + row.code;
  }

  function sortValue(row, key) {
    const r = row.record;
    switch (key) {
      case "name":
        return row.name || row.code;
      case "level":
        return LEVEL_ORDER[row.level] ?? 9;
      case "tier": {
        const t = tierOf(r);
        return t === 0 ? null : t;
      }
      case "suspect_share":
        return suspectShare(r);
      default:
        return hasFigures(r) && typeof r[key] === "number" ? r[key] : null;
    }
  }

  function renderRows() {
    const { key, dir } = state.sort;
    const rows = state.rows.slice();
    if (!key) {
      rows.sort((a, b) => hierarchyKey(a).localeCompare(hierarchyKey(b)));
    } else {
      rows.sort((a, b) => {
        const av = sortValue(a, key),
          bv = sortValue(b, key);
        // Rows without a figure stay at the bottom whichever the direction.
        if (av === null || bv === null) {
          if (av !== bv) return av === null ? 1 : -1;
        } else {
          const c = typeof av === "string" ? av.localeCompare(bv, "zh-Hans-CN") : av - bv;
          if (c) return dir * c;
        }
        return hierarchyKey(a).localeCompare(hierarchyKey(b));
      });
    }
    const filter = $("filter").value.trim().toLowerCase();
    // The day-shape columns only for runs whose records carry them.
    $("regions").classList.toggle("no-shape", !readsShapes(rows.map((row) => row.record)));
    const body = document.createElement("tbody");
    for (const row of rows) {
      const r = row.record;
      const figures = hasFigures(r);
      const share = suspectShare(r);
      const many = manySuspects(r);
      const missing = !r ? "no data" : "suppressed";
      const tr = el(
        "tr",
        {
          class:
            row.level +
            (!key ? " tree" : "") +
            (figures ? "" : " empty") +
            (many ? " many-suspects" : ""),
          "data-code": row.code,
          "data-level": row.level,
          "data-tier": tierOf(r),
          "data-suspects": many ? "many" : "",
          hidden: !!filter && !((row.name || "") + " " + row.code).toLowerCase().includes(filter),
        },
        el(
          "th",
          { scope: "row", class: "name" },
          row.name || row.code,
          el("span", { class: "code", text: row.code }),
        ),
        el("td", { class: "level", text: row.level }),
        el("td", { class: "num composite", text: figures ? fixed1(r.composite) : missing }),
        el("td", { class: "tier-cell" }, tierBadge(r)),
        el("td", { class: "num", text: figures ? percent(r.resumption_rate) : "–" }),
        el("td", { class: "num shape active-rate", text: figures ? percent(r.active_rate) : "–" }),
        el("td", { class: "num", text: figures ? percent(r.load_recovery) : "–" }),
        el("td", {
          class: "num",
          text: r && typeof r.eligible === "number" ? integer(r.eligible) : "–",
        }),
        el("td", {
          class: "num shape suspects",
          text: share === null ? "–" : integer(r.suspect_idle),
          title: share === null ? null : percent(share) + " of eligible",
        }),
      );
      body.append(tr);
    }
    const table = $("regions");
    table.replaceChild(body, table.tBodies[0]);
    for (const th of table.tHead.rows[0].cells) {
      const k = th.dataset.key;
      th.setAttribute("aria-sort", k === key ? (dir > 0 ? "ascending" : "descending") : "none");
    }
  }

  function onSort(th) {
    const k = th.dataset.key;
    if (state.sort.key === k) {
      state.sort.dir = -state.sort.dir;
    } else {
      state.sort.key = k;
      // Figures are most useful highest first; names and tiers (T1 first) ascending.
      state.sort.dir = k === "name" || k === "level" || k === "tier" ? 1 : -1;
    }
    renderRows();
  }

  function highlightRow(code) {
    $("filter").value = "";
    renderRows();
    const row = $("regions").querySelector('tbody tr[data-code="' + CSS.escape(code) + '"]');
    if (!row) return;
    for (const r of $("regions").querySelectorAll("tr.highlight")) r.classList.remove("highlight");
    row.classList.add("highlight");
    row.scrollIntoView({ block: "center", behavior: "smooth" });
  }

  // ---- live updates ------------------------------------------------------------------------

  function setLive(kind, text) {
    $("live").dataset.state = kind;
    $("live-text").textContent = text;
  }

  function onRecord(record) {
    if (!record || typeof record.date !== "string") return;
    const newest = latest();
    // A new day, or a revision of the day on screen.
    if (!newest || record.date > newest || record.date === state.current) {
      state.pendingDates.add(record.date);
      scheduleRefresh();
    }
  }

  function scheduleRefresh() {
    const now = Date.now();
    if (!state.refreshTimer) state.firstPending = now;
    clearTimeout(state.refreshTimer);
    const wait = Math.max(0, Math.min(DEBOUNCE_MS, state.firstPending + MAX_DEFER_MS - now));
    state.refreshTimer = setTimeout(() => {
      state.refreshTimer = null;
      refresh(true, false);
    }, wait);
  }

  // Reloads the dates and follows the newest day if the latest day was on screen; the day on
  // screen is drawn again only if it changes, got new records, or was not drawn completely.
  // `live` counts it as a live reload; `force` draws it again anyway (records may have been
  // missed). Runs one at a time: a refresh asked for meanwhile runs after it.
  async function refresh(live, force) {
    if (state.refreshing) {
      state.refreshing.again = true;
      return;
    }
    const run = { again: false };
    state.refreshing = run;
    const touched = state.pendingDates;
    state.pendingDates = new Set();
    try {
      const followLatest = !state.current || state.current === latest();
      await loadDates();
      const target = followLatest ? latest() : state.current;
      if (!target) {
        showWaiting();
      } else if (
        force ||
        target !== state.current ||
        touched.has(target) ||
        document.body.dataset.ready !== "1"
      ) {
        const ok = await renderDay(target);
        if (live && ok) window.fugongUpdates += 1;
      }
    } catch (e) {
      showBanner(message(e));
    } finally {
      state.refreshing = null;
      if (run.again) scheduleRefresh();
    }
  }

  // Subscribes to new records. The promise resolves once the stream is open (or has failed, or
  // after a short wait): the page reads the dates only then, so no day published in between
  // the two is missed.
  function startLive() {
    if (!("EventSource" in window)) {
      startPolling("live updates unsupported · checking every 30 s");
      return Promise.resolve();
    }
    let settle;
    const settled = new Promise((resolve) => {
      settle = resolve;
      setTimeout(resolve, STREAM_OPEN_WAIT_MS);
    });
    const source = new EventSource("/v1/stream?level=province");
    let dropped = false;
    source.addEventListener("open", () => {
      setLive("live", "live");
      settle();
      // Records published while the stream was down were missed: catch up once.
      if (dropped) refresh(true, true);
      dropped = false;
    });
    source.addEventListener("index", (event) => {
      try {
        onRecord(JSON.parse(event.data));
      } catch (e) {
        // a malformed event is ignored; the next one or the poll catches up
      }
    });
    source.addEventListener("error", () => {
      dropped = true;
      settle();
      if (source.readyState === EventSource.CLOSED) {
        startPolling("live stream unavailable · checking every 30 s");
      } else {
        setLive("reconnecting", "reconnecting…");
      }
    });
    return settled;
  }

  function startPolling(text) {
    setLive("polling", text);
    if (state.pollTimer) return;
    state.pollTimer = setInterval(() => refresh(false, false), POLL_MS);
  }

  function showWaiting() {
    const text = "No day has been published yet; this page shows the first one as soon as it is.";
    for (const id of ["map", "province", "industries"])
      $(id).replaceChildren(el("p", { class: "placeholder", text }));
    $("trend").replaceChildren(
      el("p", { class: "placeholder", text: "No provincial records yet." }),
    );
    tableMessage("placeholder", text);
    // The stream announces the first day, but a poll costs little while the page would be empty.
    setTimeout(() => {
      if (!latest()) refresh(false, false);
    }, WAIT_FOR_FIRST_DAY_MS);
  }

  // ---- start -------------------------------------------------------------------------------

  async function loadRegions() {
    try {
      const body = await getJSON("/v1/regions");
      const regions = {};
      for (const r of body.regions || []) regions[r.code] = r;
      state.regions = regions;
    } catch (e) {
      // The table then lists only regions with records; everything else works without it.
      state.regions = null;
    }
  }

  async function start() {
    $("day").addEventListener("change", (e) => choose(e.target.value));
    $("prev").addEventListener("click", () =>
      choose(state.dates[state.dates.indexOf(state.current) - 1]),
    );
    $("next").addEventListener("click", () =>
      choose(state.dates[state.dates.indexOf(state.current) + 1]),
    );
    $("to-latest").addEventListener("click", () => choose(latest()));
    $("banner-retry").addEventListener("click", () => {
      hideBanner();
      if (state.current) renderDay(state.current);
      else init();
    });
    $("filter").addEventListener("input", () => renderRows());
    for (const th of $("regions").tHead.rows[0].cells) {
      th.querySelector("button").addEventListener("click", () => onSort(th));
    }
    window.addEventListener("hashchange", () => {
      const d = location.hash.slice(1);
      if (d && d !== state.current && state.dates.includes(d)) renderDay(d);
    });
    await startLive();
    await init();
  }

  async function init() {
    await loadRegions();
    try {
      await loadDates();
    } catch (e) {
      showBanner(message(e));
      for (const id of ["map", "province", "trend", "industries"])
        panelError($(id), "Not loaded: the list of days is unavailable.");
      tableMessage("panel-error", "Not loaded: the list of days is unavailable.");
      return;
    }
    if (!state.dates.length) {
      showWaiting();
      return;
    }
    const wanted = location.hash.slice(1);
    await renderDay(state.dates.includes(wanted) ? wanted : latest());
  }

  window.addEventListener("error", (e) => showBanner("The page failed: " + e.message));
  window.addEventListener("unhandledrejection", (e) =>
    showBanner("The page failed: " + message(e.reason)),
  );
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
