// Audit: every mutating API call, for team ADMINs (their teams) and global admins (everything).
// The API lists oldest first; without ?since= the page shows the last 24 hours.
'use strict';
(function () {
  const R = window.rediacc;
  const FILTERS = ['team', 'actor', 'action', 'since'];
  const params = R.params();
  const form = document.getElementById('filters');
  const query = new URLSearchParams();
  for (const name of FILTERS) {
    const value = params.get(name);
    if (value) { query.set(name, value); if (name !== 'team') form.elements[name].value = value; }
  }
  if (!query.get('since')) {
    query.set('since', new Date(Date.now() - 86400000).toISOString());
    document.getElementById('audit-note').textContent = 'The last 24 hours; choose "since" for older records.';
  } else if (!query.get('since').endsWith('Z')) {
    query.set('since', query.get('since') + 'Z');
  }
  form.addEventListener('submit', event => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const name of FILTERS) if (form.elements[name].value) next.set(name, form.elements[name].value);
    location.href = '/audit' + (next.toString() ? '?' + next : '');
  });
  let cursor = null;
  async function load() {
    const q = new URLSearchParams(query);
    q.set('limit', '200');
    if (cursor) q.set('cursor', cursor);
    const page = await R.api('/api/v1/audit?' + q);
    const body = document.querySelector('#audit-table tbody');
    for (const a of page.items) {
      body.append(R.el('tr', {}, R.el('td', { title: a.at }, R.time(a.at)), R.el('td', {}, a.actor), R.el('td', {}, a.team || ''),
        R.el('td', {}, a.action), R.el('td', { class: 'mono' }, a.target || ''),
        R.el('td', {}, R.el('span', { class: 'status ' + (a.result === 'OK' ? 'COMPLETED' : 'FAILED') }, a.result)), R.el('td', {}, String(a.status))));
    }
    cursor = page.nextCursor;
    document.getElementById('more').hidden = !cursor;
  }
  document.getElementById('more').addEventListener('click', () => load().catch(e => R.toast(e.message)));
  R.teamSelect().then(() => { document.getElementById('team-select').value = query.get('team') || ''; });
  load().catch(e => R.toast(e.message)).finally(R.ready);
})();
