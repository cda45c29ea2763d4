// Tasks: the list with every filter in the URL (a link shows the same view), live rows from the
// tab's stream, and bulk cancel or retry of everything that matches, after a confirmation with the count.
'use strict';
(function () {
  const R = window.rediacc;
  const FILTERS = ['q', 'status', 'priority', 'team', 'machine', 'tag', 'from', 'to', 'id'];
  const params = R.params();
  const filter = new URLSearchParams();
  for (const name of FILTERS) {
    const value = params.get(name);
    if (value) filter.set(name, value);
  }
  const form = document.getElementById('filters');
  for (const name of FILTERS) {
    if (form.elements[name] && filter.get(name) && name !== 'team') form.elements[name].value = filter.get(name);
  }
  // Empty fields stay out of the URL.
  form.addEventListener('submit', event => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const name of FILTERS) {
      const field = form.elements[name];
      if (field && field.value) next.set(name, field.value);
    }
    location.href = '/tasks' + (next.toString() ? '?' + next : '');
  });

  const body = document.querySelector('#tasks-table tbody');
  const rows = new Map();
  let cursor = null;

  function row(t) {
    const tr = R.el('tr', { id: 'task-' + t.taskId, 'data-status': t.status, class: t.stuck ? 'stuck' : '', title: t.stuck || null },
      R.el('td', {}, R.taskLink(t.taskId)),
      R.el('td', {}, R.status(t.status), t.cancelRequested && !R.TERMINAL.includes(t.status) ? R.el('span', { class: 'chip' }, 'cancelling') : null),
      R.el('td', {}, String(t.priority)),
      R.el('td', {}, t.team),
      R.el('td', {}, R.el('a', { href: '/tasks?machine=' + encodeURIComponent(t.machine) }, t.machine)),
      R.el('td', { class: 'cmd', title: t.command || '' }, t.function ? 'function ' + t.function + ' v' + t.functionVersion : t.command),
      R.el('td', { title: t.createdAt }, R.time(t.createdAt)),
      R.el('td', {}, String(t.attempts), t.exitCode !== undefined && t.exitCode !== null ? ' (exit ' + t.exitCode + ')' : ''));
    return tr;
  }

  function put(t, atTop) {
    const old = rows.get(t.taskId);
    const tr = row(t);
    if (old) {
      old.replaceWith(tr);
      tr.classList.add('flash');
    } else if (atTop) {
      body.prepend(tr);
      tr.classList.add('flash');
    } else {
      body.append(tr);
    }
    rows.set(t.taskId, tr);
  }

  function count() {
    document.getElementById('count').textContent = rows.size + (cursor ? '+' : '') + ' tasks shown';
  }

  async function load(reset) {
    if (reset) { R.clear(body); rows.clear(); cursor = null; }
    const q = new URLSearchParams(filter);
    q.set('limit', '100');
    if (cursor) q.set('cursor', cursor);
    const page = await R.api('/api/v1/console/tasks?' + q);
    page.items.forEach(t => put(t, false));
    cursor = page.nextCursor;
    document.getElementById('more').hidden = !cursor;
    count();
  }
  document.getElementById('more').addEventListener('click', () => load(false).catch(e => R.toast(e.message)));

  R.teamSelect().then(() => {
    const select = document.getElementById('team-select');
    select.value = filter.get('team') || '';
  });
  load(true).catch(e => R.toast(e.message)).finally(R.ready);

  let reloadTimer = null;
  const streamParams = new URLSearchParams(filter);
  streamParams.set('view', 'tasks');
  R.stream(streamParams, message => {
    if (message.reload) {
      clearTimeout(reloadTimer);
      reloadTimer = setTimeout(() => load(true).catch(() => {}), 1000);
      return;
    }
    const matching = new Set();
    for (const t of message.tasks || []) {
      matching.add(t.taskId);
      put(t, true);
    }
    for (const id of message.changed || []) {
      if (!matching.has(id) && rows.has(id)) { rows.get(id).remove(); rows.delete(id); }
    }
    count();
  });

  // Cancel all matching: when the filter is one the purge takes (no text, id or "from"; at least one
  // of machine, team, priority, tag, "to"), POST /api/v1/tasks/purge, set-based on the server: a dry
  // run for the count, then calls with its upTo until done. Otherwise, as retry: the ids that match.
  const NOT_ENDED = ['PENDING', 'ASSIGNED', 'PROCESSING'];
  function purgeFilter() {
    if (filter.get('q') || filter.get('id') || filter.get('from')) return null;
    const body = {};
    for (const name of ['machine', 'team', 'tag']) if (filter.get(name)) body[name] = filter.get(name);
    if (filter.get('priority')) body.priority = Number(filter.get('priority'));
    if (filter.get('to')) body.createdBefore = filter.get('to');
    if (Object.keys(body).length === 0) return null;
    if (filter.get('status')) {
      body.status = filter.get('status').split(',').map(s => s.trim().toUpperCase()).filter(s => NOT_ENDED.includes(s));
      if (body.status.length === 0) return null;
    }
    return body;
  }
  async function purge(body) {
    const dry = await R.api('/api/v1/tasks/purge', { method: 'POST', body: Object.assign({ dryRun: true }, body) });
    if (dry.matched === 0) { R.toast('No task matching this filter can be cancelled.'); return; }
    await R.confirm('Cancel ' + dry.matched + ' task' + (dry.matched === 1 ? '' : 's') + ' matching this filter?', async progress => {
      const outcome = { CANCELLED: 0, CANCEL_REQUESTED: 0 };
      const request = Object.assign({ upTo: dry.upTo }, body);
      for (;;) {
        const result = await R.api('/api/v1/tasks/purge', { method: 'POST', body: request });
        outcome.CANCELLED += result.cancelled;
        outcome.CANCEL_REQUESTED += result.cancelRequested;
        progress(Math.min(1, (outcome.CANCELLED + outcome.CANCEL_REQUESTED) / dry.matched));
        if (result.done) break;
      }
      return Object.entries(outcome).filter(([, v]) => v > 0).map(([k, v]) => k + ': ' + v).join(', ') || 'CANCELLED: 0';
    });
  }

  // Bulk actions by ids: the ids that match (the server applies the filter and the caller's teams),
  // a confirmation with their count, then the public API, which checks every task's role.
  async function bulk(action) {
    const purgeBody = action === 'cancel' ? purgeFilter() : null;
    if (purgeBody) return purge(purgeBody);
    const q = new URLSearchParams(filter);
    q.set('action', action);
    const found = await R.api('/api/v1/console/tasks/ids?' + q);
    const ids = found.ids;
    if (ids.length === 0) { R.toast('No task matching this filter can be ' + (action === 'cancel' ? 'cancelled' : 'retried') + '.'); return; }
    const what = action === 'cancel' ? 'Cancel' : 'Retry';
    await R.confirm(what + ' ' + ids.length + (found.more ? '+' : '') + ' task' + (ids.length === 1 ? '' : 's') + ' matching this filter?', async progress => {
      const outcome = {};
      if (action === 'cancel') {
        for (let i = 0; i < ids.length; i += 1000) {
          const chunk = ids.slice(i, i + 1000);
          const result = await R.api('/api/v1/tasks/cancel', { method: 'POST', body: { taskIds: chunk } });
          for (const r of result.results) outcome[r.result] = (outcome[r.result] || 0) + 1;
          progress((i + chunk.length) / ids.length);
        }
      } else {
        let done = 0;
        const queue = ids.slice();
        async function worker() {
          while (queue.length) {
            const id = queue.shift();
            try {
              await R.api('/api/v1/tasks/' + id + '/retry', { method: 'POST', body: {} });
              outcome.RETRIED = (outcome.RETRIED || 0) + 1;
            } catch (e) {
              const key = 'REFUSED (' + (e.status || 'error') + ')';
              outcome[key] = (outcome[key] || 0) + 1;
            }
            progress(++done / ids.length);
          }
        }
        await Promise.all([worker(), worker(), worker(), worker()]);
      }
      return Object.entries(outcome).map(([k, v]) => k + ': ' + v).join(', ');
    });
  }
  const cancel = document.getElementById('bulk-cancel');
  const retry = document.getElementById('bulk-retry');
  if (cancel) cancel.addEventListener('click', () => bulk('cancel').catch(e => R.toast(e.message)));
  if (retry) retry.addEventListener('click', () => bulk('retry').catch(e => R.toast(e.message)));
})();
