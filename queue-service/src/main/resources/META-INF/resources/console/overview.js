// Overview: counts per status and priority (live), depth and throughput over the last hour, oldest
// pending, stuck work, for all of the caller's teams or one (?team=).
'use strict';
(function () {
  const R = window.rediacc;
  const team = R.params().get('team') || '';
  let series = [];
  let oldest = null;
  let oldestAt = Date.now();

  function teamQuery(extra) {
    const p = new URLSearchParams(extra || {});
    if (team) p.set('team', team);
    return p.toString();
  }

  function renderCounts(stats) {
    const cards = R.clear(document.getElementById('status-cards'));
    for (const status of R.STATUSES) {
      cards.append(R.el('a', { class: 'card', href: '/tasks?' + teamQuery({ status: status }), id: 'count-' + status },
        R.el('div', { class: 'n' }, String(stats.byStatus[status] || 0)), R.el('div', { class: 'l' }, status)));
    }
    const body = R.clear(document.querySelector('#priority-table tbody'));
    for (const [priority, counts] of Object.entries(stats.byPriority || {})) {
      const row = R.el('tr', {}, R.el('td', {}, R.el('a', { href: '/tasks?' + teamQuery({ priority: priority }) }, priority)));
      for (const status of R.STATUSES) row.append(R.el('td', {}, String(counts[status] || 0)));
      body.append(row);
    }
    oldest = stats.oldestPendingSeconds;
    oldestAt = Date.now();
    renderOldest();
  }

  function renderOldest() {
    document.getElementById('oldest-pending').textContent =
      oldest === null || oldest === undefined ? 'none pending' : R.duration(oldest + (Date.now() - oldestAt) / 1000);
  }

  function renderSeries() {
    R.sparkline(document.getElementById('depth-chart'), series.map(p => p.depth), 'queue depth per minute, last hour');
    R.sparkline(document.getElementById('throughput-chart'), series.map(p => p.ended), 'tasks ended per minute, last hour');
  }

  function renderStuck(stuck) {
    const body = R.clear(document.querySelector('#stuck-table tbody'));
    document.getElementById('stuck-none').hidden = stuck.length > 0;
    for (const t of stuck) {
      body.append(R.el('tr', { class: 'stuck' }, R.el('td', {}, R.taskLink(t.taskId)), R.el('td', {}, t.machine),
        R.el('td', {}, R.status(t.status)), R.el('td', { class: 'warn' }, t.stuck)));
    }
  }

  async function load() {
    const overview = await R.api('/api/v1/console/overview?' + teamQuery());
    renderCounts(overview.stats);
    series = overview.lastHour;
    renderSeries();
    renderStuck(overview.stuck);
    const firstPaint = performance.now();
    window.rediaccFirstUsefulPaint = firstPaint;
  }

  R.teamSelect();
  load().catch(e => R.toast(e.message)).finally(R.ready);
  setInterval(() => load().catch(() => {}), 60000);
  setInterval(renderOldest, 1000);
  R.stream(teamQuery(), message => {
    if (message.counts) {
      renderCounts(message.counts);
      if (series.length) {
        const c = message.counts.byStatus;
        series[series.length - 1].depth = (c.PENDING || 0) + (c.ASSIGNED || 0) + (c.PROCESSING || 0);
        renderSeries();
      }
    }
  });
})();
