// Synod dashboard: one EventSource for the overview (pushed every second by the silo while this
// page is open), and on each event a fetch of what the current view shows — one page of the
// groups table (sorted, filtered and paged on the server) or one group's page.
'use strict';

const state = { sort: 'group', desc: false, offset: 0, limit: 50, filter: '', overview: null, busy: false };
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const fmt = (n) => Number(n ?? 0).toLocaleString('en-US');
const time = (ms) => new Date(ms).toLocaleTimeString('en-GB');

function lineChart(canvas, datasets, yTitle) {
  return new Chart(canvas, {
    type: 'line',
    data: { labels: [], datasets: datasets.map((d) => ({ label: d.label, data: [], borderColor: d.color, backgroundColor: d.color + '33', borderWidth: 1.5, pointRadius: 0, fill: d.fill ?? false, tension: 0.2 })) },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: { x: { ticks: { maxTicksLimit: 8, autoSkip: true } }, y: { beginAtZero: true, title: { display: true, text: yTitle } } },
      plugins: { legend: { display: datasets.length > 1, position: 'bottom', labels: { boxWidth: 12 } } },
    },
  });
}

const charts = {
  throughput: lineChart($('chart-throughput'), [{ label: 'requests/s', color: '#2563eb', fill: true }], 'req/s'),
  latency: lineChart($('chart-latency'), [{ label: 'p50', color: '#16a34a' }, { label: 'p99', color: '#dc2626' }], 'ms'),
  group: lineChart($('chart-group'), [{ label: 'commits/s', color: '#7c3aed', fill: true }], 'entries/s'),
};

function setSeries(chart, labels, series) {
  chart.data.labels = labels;
  series.forEach((values, i) => { chart.data.datasets[i].data = values; });
  chart.update('none');
}

function renderOverview(o) {
  state.overview = o;
  $('served').textContent = `served by silo ${o.silo} · ${time(o.atMs)}`;
  const t = o.totals;
  const total = (label, value) => `<div class="total"><b>${value}</b><span>${label}</span></div>`;
  $('totals').innerHTML = [
    total('silos up', `${t.silosUp} / ${t.silos}`), total('groups', fmt(t.groups)), total('replicas', fmt(t.replicas)),
    total('with a leader', fmt(t.leaders)), total('healthy', fmt(t.healthy)), total('degraded', fmt(t.degraded)),
    total('down', fmt(t.down)), total('requests/s', fmt(t.requestsPerSecond)),
  ].join('');
  $('silos').innerHTML = o.silos.map((s) => `
    <div class="silo ${s.up ? 'up' : 'down'}" data-silo="${s.id}" data-up="${s.up}">
      <h4>silo ${s.id} <span class="state">${s.up ? 'UP' : 'DOWN'}</span></h4>
      <dl>
        <dt>replicas</dt><dd data-field="replicas">${s.replicas}</dd>
        <dt>leaders</dt><dd data-field="leaders">${s.leaders}</dd>
        <dt>${s.sharedProcess ? 'process CPU' : 'CPU'}</dt><dd>${s.up ? s.cpuPercent.toFixed(1) + ' %' : '–'}</dd>
        <dt>${s.sharedProcess ? 'process memory' : 'memory'}</dt><dd>${s.up ? s.workingSetMb.toFixed(0) + ' MiB' : '–'}</dd>
        <dt>managed heap</dt><dd>${s.up ? s.managedHeapMb.toFixed(0) + ' MiB' : '–'}</dd>
      </dl>
      <div class="muted">${esc(s.httpEndpoint)}</div>
    </div>`).join('');
  const labels = o.latency.map((p) => time(p.second * 1000));
  setSeries(charts.throughput, labels, [o.latency.map((p) => p.requests)]);
  setSeries(charts.latency, labels, [o.latency.map((p) => p.p50Ms), o.latency.map((p) => p.p99Ms)]);
  renderFaults(o);
}

function renderFaults(o) {
  $('faults').hidden = !o.devCluster;
  $('nav-faults').hidden = !o.devCluster;
  if (!o.devCluster) return;
  for (const id of ['fault-silo', 'fault-a', 'fault-b', 'fault-byz-silo']) {
    const select = $(id);
    if (select.options.length !== o.silos.length) {
      select.innerHTML = o.silos.map((s) => `<option value="${s.id}">${s.id}</option>`).join('');
      if (id === 'fault-b' && o.silos.length > 1) select.selectedIndex = 1;
    }
  }
  $('fault-list').innerHTML = o.faults.map((f) => `<li>${esc(f)}</li>`).join('');
}

async function fault(action) {
  const body = { action, silo: +$('fault-silo').value };
  if (action === 'cut' || action === 'heal') { body.silo = +$('fault-a').value; body.peer = +$('fault-b').value; }
  if (action === 'byzantine') { body.silo = +$('fault-byz-silo').value; body.mode = $('fault-mode').value; }
  const answer = await fetch('/dashboard/api/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await answer.json();
  $('fault-result').textContent = answer.ok ? `${action}: done` : `${action}: ${json.error}`;
}

function leaderCell(g) {
  if (g.leader == null) return '<span class="health down">none</span>';
  return `${g.protocol === 'pbft' ? 'primary' : 'r'}${g.leader} @ silo ${g.leaderSilo}`;
}

async function refreshGroups() {
  const q = new URLSearchParams({ offset: state.offset, limit: state.limit, sort: state.sort, desc: state.desc, filter: state.filter });
  const page = await (await fetch(`/dashboard/api/groups?${q}`)).json();
  $('groups-table').querySelector('tbody').innerHTML = page.rows.map((g) => `
    <tr data-group="${esc(g.group)}" data-health="${g.health}">
      <td><a href="#group=${encodeURIComponent(g.group)}">${esc(g.group)}</a></td><td>${g.protocol}</td>
      <td data-col="leader" data-leader-silo="${g.leaderSilo ?? ''}">${leaderCell(g)}</td>
      <td>${fmt(g.term)}</td><td>${fmt(g.commit)}</td><td>${fmt(g.applied)}</td><td>${fmt(g.slowestLagEntries)}</td>
      <td>${fmt(g.leaderChanges)}</td><td class="health ${g.health}">${g.health}${g.quiet ? ' <span class="muted">(quiet)</span>' : ''}</td>
    </tr>`).join('');
  const last = Math.min(page.offset + page.rows.length, page.matched);
  $('page-info').textContent = `${page.matched ? page.offset + 1 : 0}–${last} of ${fmt(page.matched)} (${fmt(page.total)} groups)`;
  $('prev').disabled = page.offset === 0;
  $('next').disabled = last >= page.matched;
  document.querySelectorAll('#groups-table th').forEach((th) => {
    th.classList.toggle('sorted', th.dataset.sort === state.sort);
    th.classList.toggle('desc', th.dataset.sort === state.sort && state.desc);
  });
}

async function refreshGroup(name) {
  const answer = await fetch(`/dashboard/api/groups/${encodeURIComponent(name)}`);
  if (!answer.ok) { $('group-title').textContent = `${name}: not found`; return; }
  const page = await answer.json();
  const g = page.group;
  $('group-title').innerHTML = `${esc(g.group)} <span class="muted">${g.protocol}</span> <span class="health ${g.health}">${g.health}</span>`;
  const total = (label, value) => `<div class="total"><b>${value}</b><span>${label}</span></div>`;
  $('group-summary').innerHTML = [
    total(g.protocol === 'pbft' ? 'primary' : 'leader', `<span data-field="group-leader">${leaderCell(g)}</span>`),
    total(g.protocol === 'pbft' ? 'view' : 'term', fmt(g.term)), total('commit', fmt(g.commit)), total('applied', fmt(g.applied)),
    total('slowest lag', fmt(g.slowestLagEntries)), total(g.protocol === 'pbft' ? 'view changes' : 'leader changes', fmt(g.leaderChanges)),
  ].join('');
  $('replicas-table').querySelector('tbody').innerHTML = g.replicas.map((r) => `
    <tr data-replica="${r.replica}"><td>${r.replica}</td><td>${r.silo}</td>
      <td class="role-${r.role}">${esc(r.role)}${r.byzantine ? ` <span class="health down">(Byzantine: ${esc(r.byzantine)})</span>` : ''}</td>
      <td>${fmt(r.term)}</td><td>${fmt(r.commit)}</td><td>${fmt(r.applied)}</td><td>${fmt(r.lastIndex)}</td><td>${fmt(r.lagEntries)}</td><td>${r.quiet ? 'yes' : ''}</td></tr>`).join('');
  const samples = page.commitsPerSecond;
  const rates = samples.slice(1).map((s, i) => Math.max(0, (s[1] - samples[i][1]) / Math.max(1, s[0] - samples[i][0])));
  setSeries(charts.group, samples.slice(1).map((s) => time(s[0] * 1000)), [rates]);
  $('timeline').innerHTML = page.timeline.length === 0
    ? '<li class="muted">no elections, view changes or membership changes since the silos started</li>'
    : page.timeline.map((e) => `<li><b>${time(e.atMs)}</b> ${esc(e.kind)} · ${esc(e.detail)}</li>`).join('');
}

function currentGroup() {
  const match = location.hash.match(/^#group=(.+)$/);
  return match ? decodeURIComponent(match[1]) : null;
}

async function refreshView() {
  if (state.busy) return;
  state.busy = true;
  try {
    const group = currentGroup();
    $('overview-view').hidden = group !== null;
    $('group-view').hidden = group === null;
    if (group !== null) await refreshGroup(group); else await refreshGroups();
  } catch (error) {
    console.warn('refresh failed', error);
  } finally {
    state.busy = false;
  }
}

function connect() {
  const events = new EventSource('/dashboard/events');
  events.addEventListener('open', () => { $('live').textContent = 'live'; $('live').className = 'live on'; });
  events.addEventListener('error', () => { $('live').textContent = 'reconnecting…'; $('live').className = 'live off'; });
  events.addEventListener('overview', (event) => {
    renderOverview(JSON.parse(event.data));
    refreshView();
  });
}

document.querySelectorAll('#groups-table th').forEach((th) => th.addEventListener('click', () => {
  state.desc = state.sort === th.dataset.sort ? !state.desc : false;
  state.sort = th.dataset.sort;
  refreshView();
}));
let filterTimer;
$('filter').addEventListener('input', () => {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => { state.filter = $('filter').value; state.offset = 0; refreshView(); }, 200);
});
$('prev').addEventListener('click', () => { state.offset = Math.max(0, state.offset - state.limit); refreshView(); });
$('next').addEventListener('click', () => { state.offset += state.limit; refreshView(); });
document.querySelectorAll('#faults button').forEach((b) => b.addEventListener('click', () => fault(b.dataset.action)));
window.addEventListener('hashchange', () => {
  refreshView();
  const anchor = location.hash.slice(1);
  if (!currentGroup() && anchor && $(anchor)) $(anchor).scrollIntoView();
});
connect();
