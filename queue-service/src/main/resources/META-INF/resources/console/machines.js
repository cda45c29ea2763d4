// Machines: state, running and pending counts (live), newest resources, pause and resume for team
// ADMINs, an SSH check for OPERATORs; the bridges and the machines they serve.
'use strict';
(function () {
  const R = window.rediacc;
  const team = R.params().get('team') || '';
  const q = team ? '?team=' + encodeURIComponent(team) : '';
  let machines = [];
  let counts = {};
  let search = (R.params().get('q') || '').toLowerCase();

  function render() {
    const body = R.clear(document.querySelector('#machines-table tbody'));
    for (const m of machines) {
      const text = (m.name + ' ' + m.team + ' ' + m.host + ' ' + (m.tags || []).join(' ')).toLowerCase();
      if (search && !text.includes(search)) continue;
      const c = counts[m.name] || {};
      const running = (c.ASSIGNED || 0) + (c.PROCESSING || 0);
      const actions = R.el('td', {});
      if (R.may(m.team, 'OPERATOR')) {
        actions.append(R.el('button', { type: 'button', id: 'check-' + m.name, onclick: () => check(m) }, 'Check'));
      }
      if (R.may(m.team, 'ADMIN')) {
        actions.append(R.el('button', { type: 'button', id: (m.paused ? 'resume-' : 'pause-') + m.name,
          onclick: () => act(m, m.paused ? 'resume' : 'pause') }, m.paused ? 'Resume' : 'Pause'));
      }
      body.append(R.el('tr', { id: 'machine-' + m.name },
        R.el('td', {}, R.el('a', { href: '/tasks?machine=' + encodeURIComponent(m.name) }, m.name)),
        R.el('td', {}, m.team),
        R.el('td', {}, m.paused ? R.el('span', { class: 'status CANCELLED' }, 'paused') : R.el('span', { class: 'status COMPLETED' }, 'active')),
        R.el('td', {}, R.el('a', { href: '/tasks?status=PROCESSING&machine=' + encodeURIComponent(m.name) }, String(running))),
        R.el('td', {}, R.el('a', { href: '/tasks?status=PENDING&machine=' + encodeURIComponent(m.name) }, String(c.PENDING || 0))),
        R.el('td', {}, String(m.maxConcurrency)),
        resources(m.resources),
        R.el('td', { class: 'mono hide-narrow' }, m.user + '@' + m.host + ':' + m.port),
        R.el('td', { class: 'hide-narrow' }, ...(m.tags || []).map(t => R.el('span', { class: 'chip' }, t))),
        actions));
    }
  }

  function resources(r) {
    if (!r) return R.el('td', { class: 'muted' }, '-');
    const over = r.over || [];
    return R.el('td', { class: over.length ? 'error' : '', title: 'sampled ' + r.sampledAt + ' by ' + r.bridge
        + (over.length ? '; over: ' + over.join(', ') : '') },
      r.load.one + ' / ' + r.memory.usedPercent + '% / ' + r.disk.usedPercent + '%');
  }

  async function check(machine) {
    const out = document.getElementById('check-result');
    out.textContent = 'checking ' + machine.name + '...';
    try {
      const result = await R.api('/api/v1/machines/' + encodeURIComponent(machine.name) + '/check', { method: 'POST', body: {} });
      const steps = result.steps.map(s => s.name + ' ' + (s.ok ? 'ok' : 'FAILED') + ' ' + s.millis + ' ms'
        + (s.error ? ' (' + s.error + ')' : ''));
      const ok = result.steps.length === 4 && result.steps.every(s => s.ok);
      out.className = ok ? 'small' : 'small error';
      out.textContent = machine.name + (ok ? ' reachable' : ' NOT reachable') + ' from ' + result.bridge + ': ' + steps.join(', ');
    } catch (e) {
      out.className = 'small error';
      out.textContent = machine.name + ': ' + e.message;
    }
  }

  async function loadBridges() {
    const page = await R.api('/api/v1/bridges');
    const body = R.clear(document.querySelector('#bridges-table tbody'));
    for (const b of page.items) {
      body.append(R.el('tr', { id: 'bridge-' + b.bridgeId },
        R.el('td', { class: 'mono' }, b.bridgeId),
        R.el('td', {}, R.el('span', { class: 'status ' + (b.state === 'LIVE' ? 'COMPLETED' : 'FAILED') }, b.state)),
        R.el('td', {}, b.lastHeartbeat),
        R.el('td', {}, b.runningCount + ' / ' + b.batchSize),
        R.el('td', {}, b.version || ''),
        R.el('td', {}, ...b.machines.map(name => R.el('span', { class: 'chip' }, name)))));
    }
  }

  async function act(machine, action) {
    try {
      await R.api('/api/v1/machines/' + encodeURIComponent(machine.name) + '/' + action, { method: 'POST', body: {} });
      R.toast(machine.name + (action === 'pause' ? ' paused' : ' resumed'));
      await load();
    } catch (e) { R.toast(e.message); }
  }

  async function loadCounts() {
    counts = await R.api('/api/v1/console/machine-counts' + q);
    render();
  }

  async function load() {
    machines = [];
    let cursor = null;
    do {
      const page = await R.api('/api/v1/machines?limit=1000' + (team ? '&team=' + encodeURIComponent(team) : '') + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
      machines.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && machines.length < 10000);
    await loadCounts();
  }

  R.teamSelect();
  R.searchInUrl(document.getElementById('search'), value => { search = value; render(); });
  load().then(loadBridges).catch(e => R.toast(e.message)).finally(R.ready);
  setInterval(() => loadBridges().catch(() => {}), 5000);
  let timer = null;
  R.stream(team ? { team: team } : {}, message => {
    if ((message.changed || []).length && !timer) {
      timer = setTimeout(() => { timer = null; loadCounts().catch(() => {}); }, 1000);
    }
  });
})();
