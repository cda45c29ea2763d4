// Crons: schedule, next runs, last run, trigger now (OPERATOR), pause and resume (ADMIN).
'use strict';
(function () {
  const R = window.rediacc;
  const team = R.params().get('team') || '';
  let crons = [];
  let cursor = null;
  let search = (R.params().get('q') || '').toLowerCase();

  function render() {
    const body = R.clear(document.querySelector('#crons-table tbody'));
    for (const c of crons) {
      const text = (c.name + ' ' + c.team + ' ' + c.machine + ' ' + (c.command || '')).toLowerCase();
      if (search && !text.includes(search)) continue;
      const last = c.lastRun;
      const actions = R.el('td', {});
      if (R.may(c.team, 'OPERATOR')) actions.append(R.el('button', { type: 'button', onclick: () => act(c, 'trigger') }, 'Trigger now'), ' ');
      if (R.may(c.team, 'ADMIN')) actions.append(R.el('button', { type: 'button', onclick: () => act(c, c.enabled ? 'pause' : 'resume') }, c.enabled ? 'Pause' : 'Resume'));
      body.append(R.el('tr', { id: 'cron-' + c.name },
        R.el('td', { title: c.command || '' }, R.el('strong', {}, c.name)),
        R.el('td', {}, c.team), R.el('td', {}, c.machine),
        R.el('td', { class: 'mono' }, c.cronString + ' ' + c.timezone),
        R.el('td', {}, ...(c.nextRuns || []).slice(0, 3).map(t => R.el('div', { class: 'small' }, R.time(t)))),
        R.el('td', {}, last ? R.el('span', {}, R.el('span', { class: 'chip' }, last.state + (last.late ? ' (late)' : '')), ' ',
          last.taskId ? R.taskLink(last.taskId) : '', ' ', R.el('span', { class: 'small' }, R.time(last.slot))) : R.el('span', { class: 'muted' }, 'never ran')),
        R.el('td', {}, c.enabled ? 'enabled' : R.el('span', { class: 'warn' }, 'paused')),
        actions));
    }
  }

  async function act(cron, action) {
    try {
      const result = await R.api('/api/v1/crons/' + encodeURIComponent(cron.name) + '/' + action, { method: 'POST', body: {} });
      R.toast(action === 'trigger' ? 'Triggered: task ' + (result.taskId || '') : cron.name + ' ' + (action === 'pause' ? 'paused' : 'resumed'));
      await load(true);
    } catch (e) { R.toast(e.message); }
  }

  async function load(reset) {
    if (reset) { crons = []; cursor = null; }
    const page = await R.api('/api/v1/crons?limit=200' + (team ? '&team=' + encodeURIComponent(team) : '') + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    crons.push(...page.items);
    cursor = page.nextCursor;
    document.getElementById('more').hidden = !cursor;
    render();
  }
  document.getElementById('more').addEventListener('click', () => load(false).catch(e => R.toast(e.message)));

  R.teamSelect();
  R.searchInUrl(document.getElementById('search'), value => { search = value; render(); });
  load(true).catch(e => R.toast(e.message)).finally(R.ready);
  let timer = null;
  R.stream(team ? { team: team } : {}, message => {
    if ((message.changed || []).length && !timer) {
      timer = setTimeout(() => { timer = null; load(true).catch(() => {}); }, 5000);
    }
  });
})();
