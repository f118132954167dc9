// kliping search page: plain JS, no build step.
// Safety rule: the server's snippet is the only HTML inserted (it arrives escaped, with <mark>);
// everything else goes in through textContent, and only http(s) links become hrefs.
"use strict";

const $ = (id) => document.getElementById(id);
const PAGE_SIZE = 10;
let page = 1;

function token() {
  return $("token").value || sessionStorage.getItem("kliping-token") || "";
}

async function api(path) {
  const headers = {};
  const t = token();
  if (t) headers.Authorization = "Bearer " + t;
  const response = await fetch(path, { headers });
  const data = await response.json().catch(() => ({ error: { message: response.statusText } }));
  if (response.status === 401) $("token-row").hidden = false;
  if (!response.ok) throw new Error((data.error && data.error.message) || response.statusText);
  if (t) sessionStorage.setItem("kliping-token", t);
  return data;
}

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function safeLink(url, text) {
  const a = el("a", text);
  if (/^https?:\/\//i.test(url || "")) a.href = url;
  a.rel = "noopener noreferrer";
  return a;
}

function meta(item) {
  const when = (item.published || "").slice(0, 16).replace("T", " ");
  return [item.source, when, item.author].filter(Boolean).join(" · ");
}

function renderHit(hit) {
  const li = el("li", "", "hit");
  const title = safeLink(hit.url, hit.title);
  title.className = "title";
  li.append(title, el("div", meta(hit), "meta"));
  const snippet = el("p", "", "snippet");
  snippet.innerHTML = hit.snippet; // already HTML-escaped by the server, matches in <mark>
  const stored = el("a", "teks tersimpan", "stored");
  stored.href = "/articles/" + encodeURIComponent(hit.id);
  stored.addEventListener("click", (event) => { event.preventDefault(); showArticle(hit.id); });
  li.append(snippet, stored);
  if (hit.story && hit.story.copies > 0) { // one story, several outlets: the others in one line
    const outlets = hit.story.also_in.length ? hit.story.also_in.join(", ") : hit.source;
    li.append(el("p", `juga di: ${outlets} (${hit.story.copies} salinan lain)`, "also"));
  }
  return li;
}

function params() {
  const p = new URLSearchParams();
  p.set("q", $("q").value.trim());
  for (const name of ["from", "to", "source", "sort"]) {
    if ($(name).value) p.set(name, $(name).value);
  }
  p.set("collapse", $("collapse").checked ? "true" : "false");
  return p;
}

async function search() {
  const p = params();
  if (!p.get("q")) return;
  history.replaceState(null, "", "/?" + p.toString());
  p.set("page", page);
  p.set("size", PAGE_SIZE);
  $("article").hidden = true;
  if (page === 1) showTrend(params());
  $("status").className = "";
  $("status").textContent = "mencari…";
  $("main").setAttribute("aria-busy", "true");
  try {
    const data = await api("/search?" + p.toString());
    const first = (page - 1) * PAGE_SIZE + 1;
    const grouped = !data.collapsed ? "" : data.stories !== null ? ` dalam ${data.stories} berita` : ", satu per berita";
    let status = data.total ? `${data.total} artikel${grouped}; ${first}–${first + data.hits.length - 1}` : "tidak ada artikel";
    if (data.did_you_mean) status += ` — maksud Anda: ${data.did_you_mean}?`;
    for (const alias of data.aliases || []) {
      const others = alias.names.filter((name) => name.toLowerCase() !== alias.typed.toLowerCase());
      if (others.length) status += ` — ${alias.typed} juga dicari sebagai: ${others.join(", ")}`;
    }
    $("status").textContent = status;
    $("results").replaceChildren(...data.hits.map(renderHit));
    $("results").start = first;
    const shown = data.collapsed && data.stories !== null ? data.stories : data.total;
    $("pager").hidden = shown <= PAGE_SIZE && page === 1;
    $("prev").disabled = page <= 1;
    $("next").disabled = page * PAGE_SIZE >= shown || data.hits.length < PAGE_SIZE;
  } catch (error) {
    $("status").className = "error";
    $("status").textContent = error.message;
    $("results").replaceChildren();
    $("pager").hidden = true;
  } finally {
    $("main").removeAttribute("aria-busy");
  }
}

// Attention over time: /trend's counts as bars (plain SVG) above the results. Days when the dates span a
// month or less, weeks (from Monday, WIB) otherwise.
const SVG = "http://www.w3.org/2000/svg";
const PERIOD_WORD = { day: "hari", week: "minggu", month: "bulan" };

function period(p) {
  const from = Date.parse(p.get("from") || ""), to = Date.parse(p.get("to") || "");
  return from && to && to - from <= 31 * 86400000 ? "day" : "week";
}

async function showTrend(p) {
  const q = new URLSearchParams(p);
  q.set("by", period(p));
  try {
    const data = await api("/trend?" + q.toString());
    drawTrend(data);
  } catch (error) {
    $("trend").hidden = true; // the chart is an extra: the results stand without it
  }
}

function drawTrend(data) {
  const chart = $("trend-chart");
  const buckets = data.buckets || [];
  if (!data.matched || !buckets.length) {
    chart.replaceChildren();
    $("trend").hidden = true;
    return;
  }
  const most = Math.max(...buckets.map((b) => b.count));
  const width = 600 / buckets.length;
  const bars = buckets.map((b, i) => {
    const height = b.count ? Math.max(2, (78 * b.count) / most) : 1;
    const rect = document.createElementNS(SVG, "rect");
    rect.setAttribute("x", String(i * width + width * 0.1));
    rect.setAttribute("width", String(width * 0.8));
    rect.setAttribute("y", String(80 - height));
    rect.setAttribute("height", String(height));
    rect.setAttribute("data-start", b.start);
    rect.setAttribute("data-count", String(b.count));
    if (!b.count) rect.setAttribute("class", "empty");
    const title = document.createElementNS(SVG, "title");
    title.textContent = `${b.start}: ${b.count} artikel (${(100 * b.share).toFixed(1)}% dari ${b.total})`;
    rect.append(title);
    return rect;
  });
  chart.replaceChildren(...bars);
  const first = buckets[0].start, last = buckets[buckets.length - 1].start;
  $("trend-caption").textContent =
    `${data.matched} artikel per ${PERIOD_WORD[data.by] || data.by} (WIB), ${first} – ${last}`;
  $("trend").hidden = false;
}

async function showArticle(id) {
  try {
    const article = await api("/articles/" + encodeURIComponent(id));
    $("article-title").textContent = article.title;
    $("article-meta").textContent = meta(article);
    const paragraphs = article.body.split(/\n\n+/).map((text) => el("p", text));
    $("article-body").replaceChildren(...paragraphs);
    const link = $("article-link");
    link.removeAttribute("href");
    if (/^https?:\/\//i.test(article.url)) link.href = article.url;
    $("article").hidden = false;
    $("article").scrollIntoView();
  } catch (error) {
    $("status").className = "error";
    $("status").textContent = error.message;
  }
}

async function loadSources() {
  try {
    const data = await api("/sources");
    for (const source of data.sources) {
      const alarmed = source.health && source.health.status === "alarm";
      const option = el("option", `${alarmed ? "⚠ " : ""}${source.name} (${source.indexed})`);
      option.value = source.name;
      $("source").append(option);
      if (alarmed) showAlarms(source);
    }
  } catch (error) {
    // the filter stays at "all sources"; a 401 has shown the token field
  }
}

const MEASURES = {
  volume: "jumlah artikel", undated: "tanpa tanggal", unauthored: "tanpa penulis", leak: "teks templat bocor",
  not_article: "halaman ditolak", median_length: "panjang isi",
};

function alarmText(alarm) {
  const share = (x) => Math.round(x * 100) + "%";
  const counted = alarm.measure === "volume" || alarm.measure === "median_length";
  const value = counted ? alarm.value : share(alarm.value);
  const mean = counted ? alarm.mean : share(alarm.mean);
  const moved = { up: "naik", surge: "melonjak", drop: "turun" }[alarm.direction] || alarm.direction;
  return `${MEASURES[alarm.measure] || alarm.measure} ${moved}: ${value} (biasanya ${mean})`;
}

// A small badge per alarmed source: its name, and what moved against its own normal (title: the rule).
function showAlarms(source) {
  const badge = el("span", "", "health-badge");
  badge.append(el("strong", "⚠ " + source.name), el("span", " " + source.health.alarms.map(alarmText).join("; ")));
  badge.title = source.health.alarms.length ? source.health.alarms[0].rule : "";
  $("health-alarms").append(badge);
  $("health-alarms").hidden = false;
}

function restore() {
  const p = new URLSearchParams(location.search);
  for (const name of ["q", "from", "to", "sort"]) {
    if (p.get(name)) $(name).value = p.get(name);
  }
  if (p.get("collapse")) $("collapse").checked = p.get("collapse") !== "false";
  return p;
}

document.addEventListener("DOMContentLoaded", async () => {
  $("search-form").addEventListener("submit", (event) => { event.preventDefault(); page = 1; search(); });
  $("prev").addEventListener("click", () => { page -= 1; search(); });
  $("next").addEventListener("click", () => { page += 1; search(); });
  $("close-article").addEventListener("click", () => { $("article").hidden = true; });
  const p = restore();
  await loadSources();
  if (p.get("source")) $("source").value = p.get("source");
  if (p.get("q")) search();
});
