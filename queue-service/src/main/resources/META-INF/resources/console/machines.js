// Machines: state, running and pending counts (live), pause and resume for team ADMINs.
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
        R.el('td', { class: 'mono hide-narrow' }, m.user + '@' + m.host + ':' + m.port),
        R.el('td', { class: 'hide-narrow' }, ...(m.tags || []).map(t => R.el('span', { class: 'chip' }, t))),
        actions));
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
  load().catch(e => R.toast(e.message)).finally(R.ready);
  let timer = null;
  R.stream(team ? { team: team } : {}, message => {
    if ((message.changed || []).length && !timer) {
      timer = setTimeout(() => { timer = null; loadCounts().catch(() => {}); }, 1000);
    }
  });
})();
