// Task groups: progress per machine, live; ?id= shows one group (a deep link).
'use strict';
(function () {
  const R = window.rediacc;
  const params = R.params();
  const team = params.get('team') || '';
  const only = params.get('id');
  let groups = [];
  let cursor = null;
  let search = (params.get('q') || '').toLowerCase();

  function bar(g) {
    const c = g.counts || {};
    const part = (n, cls) => n ? R.el('span', { class: cls, style: null, 'data-n': n }) : null;
    const wrap = R.el('div', { class: 'progress', title: JSON.stringify(c) });
    for (const [n, cls] of [[c.COMPLETED, 'ok'], [c.FAILED, 'bad'], [c.CANCELLED, 'can'], [(c.PROCESSING || 0) + (c.ASSIGNED || 0), 'run']]) {
      const span = part(n, cls);
      if (span) { span.style.width = (100 * n / Math.max(1, g.tasks)) + '%'; wrap.append(span); }
    }
    return wrap;
  }

  function render() {
    const box = R.clear(document.getElementById('groups'));
    for (const g of groups) {
      const text = (g.groupId + ' ' + g.team + ' ' + (g.command || '') + ' ' + (g.function || '')).toLowerCase();
      if (search && !text.includes(search)) continue;
      const actions = R.el('span', {});
      if (R.may(g.team, 'OPERATOR') && (g.status === 'RUNNING')) {
        actions.append(R.el('button', { type: 'button', class: 'danger', onclick: () => act(g, 'cancel') }, 'Cancel group'));
      }
      const table = R.el('table', { class: 'data' }, R.el('thead', {}, R.el('tr', {}, R.el('th', {}, 'machine'), R.el('th', {}, 'task'),
        R.el('th', {}, 'status'), R.el('th', {}, 'attempts'), R.el('th', {}, 'exit'), R.el('th', {}, 'error'))));
      const body = R.el('tbody', {});
      for (const m of g.machines || []) {
        body.append(R.el('tr', {}, R.el('td', {}, m.machine), R.el('td', {}, R.taskLink(m.taskId)),
          R.el('td', {}, R.status(m.status), m.held ? R.el('span', { class: 'chip' }, 'held') : null), R.el('td', {}, String(m.attempts)),
          R.el('td', {}, m.exitCode === undefined || m.exitCode === null ? '' : String(m.exitCode)), R.el('td', {}, m.error || '')));
      }
      table.append(body);
      box.append(R.el('section', { class: 'panel group', id: 'group-' + g.groupId },
        R.el('div', { class: 'toolbar' }, R.el('a', { href: '/groups?id=' + g.groupId, class: 'mono' }, R.shortId(g.groupId)),
          R.el('span', { class: 'chip' }, g.status), R.el('span', {}, g.team),
          R.el('span', { class: 'muted' }, g.ended + ' of ' + g.tasks + ' ended, ' + g.held + ' held; max parallel ' + g.maxParallel),
          R.el('span', { class: 'spacer' }), actions),
        R.el('pre', { class: 'command' }, g.function ? 'function ' + g.function + ' v' + g.functionVersion : g.command),
        bar(g), g.detail ? R.el('p', { class: 'muted' }, g.detail) : null,
        R.el('details', { open: only ? true : null }, R.el('summary', {}, 'per machine'), R.el('div', { class: 'table-wrap' }, table))));
    }
  }

  async function act(group, action) {
    try {
      await R.api('/api/v1/task-groups/' + group.groupId + '/' + action, { method: 'POST', body: {} });
      R.toast('group ' + R.shortId(group.groupId) + ': ' + action);
      await load(true);
    } catch (e) { R.toast(e.message); }
  }

  async function load(reset) {
    if (only) {
      groups = [await R.api('/api/v1/task-groups/' + encodeURIComponent(only))];
    } else {
      if (reset) { groups = []; cursor = null; }
      const page = await R.api('/api/v1/task-groups?limit=50' + (team ? '&team=' + encodeURIComponent(team) : '') + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
      groups.push(...page.items);
      cursor = page.nextCursor;
    }
    document.getElementById('more').hidden = !cursor;
    render();
  }
  document.getElementById('more').addEventListener('click', () => load(false).catch(e => R.toast(e.message)));

  R.teamSelect();
  R.searchInUrl(document.getElementById('search'), value => { search = value; render(); });
  load(true).catch(e => R.toast(e.message)).finally(R.ready);
  let timer = null;
  R.stream(team ? { team: team } : {}, message => {
    if ((message.groups || (message.changed || []).length) && !timer) {
      timer = setTimeout(() => { timer = null; load(true).catch(() => {}); }, 2000);
    }
  });
})();
