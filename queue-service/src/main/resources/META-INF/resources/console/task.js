// One task: what it runs, every attempt, its timeline, and its output live. The output follows the
// end until the user scrolls up (f, or the button, follows again); only its last 256 KiB are kept in
// the page, however long it grows; the full output is one download away.
'use strict';
(function () {
  const R = window.rediacc;
  const TAIL = 256 * 1024;
  const id = location.pathname.split('/').pop();
  const pre = document.getElementById('output');
  const followButton = document.getElementById('follow');
  let task = null;
  let text = '';
  let hidden = 0;
  let following = true;
  let programmaticScroll = false;

  document.getElementById('task-id').textContent = id;
  document.getElementById('download').href = '/api/v1/tasks/' + id + '/output';
  document.getElementById('download').setAttribute('download', 'task-' + id + '.log');

  function field(dl, name, value) {
    if (value === null || value === undefined || value === '') return;
    dl.append(R.el('dt', {}, name), R.el('dd', {}, value));
  }

  function renderTask(t) {
    task = t;
    const status = R.clear(document.getElementById('task-status'));
    status.append(R.status(t.status));
    if (t.cancelRequested && !R.TERMINAL.includes(t.status)) status.append(' ', R.el('span', { class: 'chip' }, 'cancel requested'));
    if (t.archived) status.append(' ', R.el('span', { class: 'chip', title: 'ended long ago: kept in the archive until its month is dropped' }, 'archived'));
    document.title = 'Task ' + R.shortId(t.taskId) + ' ' + t.status + ' · rediacc';
    const command = document.getElementById('command');
    command.textContent = t.function ? 'function ' + t.function + ' v' + t.functionVersion : t.command;
    const dl = R.clear(document.getElementById('fields'));
    if (t.function && t.params) {
      for (const [k, v] of Object.entries(t.params)) field(dl, 'param ' + k, typeof v === 'string' ? v : JSON.stringify(v));
    }
    field(dl, 'team', t.team);
    dl.append(R.el('dt', {}, 'machine'), R.el('dd', {}, R.el('a', { href: '/tasks?machine=' + encodeURIComponent(t.machine) }, t.machine)));
    field(dl, 'priority', String(t.priority));
    field(dl, 'tag', t.tag);
    field(dl, 'retries', t.retryCount + ' left of ' + t.maxRetries + ' (delay ' + t.retryDelay + ' s)');
    field(dl, 'timeout', t.timeoutSeconds ? t.timeoutSeconds + ' s' : null);
    field(dl, 'resumable', t.resumable ? 'yes' : 'no');
    field(dl, 'not before', t.notBefore ? R.time(t.notBefore) : null);
    field(dl, 'exit code', t.exitCode === null || t.exitCode === undefined ? null : String(t.exitCode));
    field(dl, 'error', t.error);
    field(dl, 'secrets', t.hasVaultData ? 'vaultData (encrypted, never shown)' : null);
    field(dl, 'created', R.time(t.createdAt));
    field(dl, 'started', t.startedAt ? R.time(t.startedAt) : null);
    field(dl, 'ended', t.completedAt ? R.time(t.completedAt) : null);
    field(dl, 'onExit', t.onExit);
    if (t.retriedFrom) dl.append(R.el('dt', {}, 'retry of'), R.el('dd', {}, R.taskLink(t.retriedFrom)));
    if (t.onExitOf) dl.append(R.el('dt', {}, 'follow-up of'), R.el('dd', {}, R.taskLink(t.onExitOf)));
    field(dl, 'trace', t.traceId);
    if (t.groupId) dl.append(R.el('dt', {}, 'group'), R.el('dd', {}, R.el('a', { href: '/groups?id=' + t.groupId, class: 'mono' }, R.shortId(t.groupId))));
    const stuck = document.getElementById('stuck');
    stuck.hidden = !t.lostSince;
    stuck.textContent = t.lostSince ? 'Lease lost since ' + R.time(t.lostSince) + ': waiting for its remote command to be ended.' : '';
    const cancel = document.getElementById('cancel');
    const retry = document.getElementById('retry');
    if (cancel) cancel.hidden = !(R.may(t.team, 'OPERATOR') && !R.TERMINAL.includes(t.status) && !t.cancelRequested);
    if (retry) retry.hidden = !(R.may(t.team, 'OPERATOR') && (t.status === 'FAILED' || t.status === 'CANCELLED') && !t.hasVaultData);
    document.body.dataset.status = t.status;
  }

  function renderHistory(entries) {
    const list = R.clear(document.getElementById('timeline'));
    for (const e of entries) {
      list.append(R.el('li', {}, R.el('strong', {}, e.to), ' ', R.el('span', { class: 'muted' }, R.time(e.at)),
        e.actor ? R.el('span', { class: 'muted' }, ' by ' + e.actor) : null, e.detail ? ' – ' + e.detail : null));
    }
    // An attempt is what left PROCESSING: its end, its exit and why.
    const body = R.clear(document.querySelector('#attempts tbody'));
    let n = 0;
    for (const e of entries) {
      if (e.from !== 'PROCESSING') continue;
      n++;
      const exit = /exit (\d+)/.exec(e.detail || '');
      body.append(R.el('tr', {}, R.el('td', {}, String(n)), R.el('td', {}, R.status(e.to), ' ', R.time(e.at)),
        R.el('td', {}, exit ? exit[1] : (e.to === 'COMPLETED' ? '0' : '')), R.el('td', {}, e.detail || '')));
    }
    if (task && task.status === 'PROCESSING') {
      body.append(R.el('tr', {}, R.el('td', {}, String(n + 1)), R.el('td', {}, R.status('PROCESSING'), ' since ', R.time(task.startedAt)),
        R.el('td', {}, ''), R.el('td', {}, 'running')));
    }
    if (task && R.TERMINAL.includes(task.status) && n > 0 && task.exitCode !== null && task.exitCode !== undefined) {
      body.lastChild.children[2].textContent = String(task.exitCode);
    }
  }

  async function load() {
    const [detail, history] = await Promise.all([R.api('/api/v1/console/tasks/' + id), R.api('/api/v1/tasks/' + id + '/history')]);
    renderTask(detail);
    renderHistory(history.items);
  }

  function atBottom() {
    return pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
  }

  function showOutput() {
    pre.textContent = text;
    const note = document.getElementById('output-note');
    note.textContent = hidden > 0 ? 'showing the last ' + Math.round(text.length / 1024) + ' KiB; '
      + Math.round(hidden / 1024) + ' KiB before it are in the download' : '';
    if (following) {
      programmaticScroll = true;
      pre.scrollTop = pre.scrollHeight;
    }
  }

  pre.addEventListener('scroll', () => {
    if (programmaticScroll) { programmaticScroll = false; return; }
    following = atBottom();
    followButton.hidden = following;
    pre.dataset.following = String(following);
  });
  function followAgain() {
    following = true;
    followButton.hidden = true;
    pre.dataset.following = 'true';
    showOutput();
  }
  followButton.addEventListener('click', followAgain);
  R.onKey = event => { if (event.key === 'f') followAgain(); };
  pre.dataset.following = 'true';

  function onOutput(o) {
    if (o.reset) { text = ''; hidden = 0; }
    const known = hidden + text.length;
    if (o.from > known) hidden += o.from - known;
    text += o.chunk;
    if (text.length > TAIL) {
      hidden += text.length - TAIL;
      text = text.slice(text.length - TAIL);
    }
    showOutput();
    if (o.end) document.body.dataset.outputEnded = o.end.status;
  }

  const cancel = document.getElementById('cancel');
  if (cancel) cancel.addEventListener('click', () => R.confirm('Cancel this task? A running command is killed on its machine.', async () => {
    const result = await R.api('/api/v1/tasks/' + id + '/cancel', { method: 'POST', body: {} });
    return result.result === 'CANCELLED' ? 'Cancelled.' : 'Cancel requested: the bridge kills the remote command.';
  }).then(() => load()));
  const retry = document.getElementById('retry');
  if (retry) retry.addEventListener('click', () => R.confirm('Run this task again as a new task?', async () => {
    const created = await R.api('/api/v1/tasks/' + id + '/retry', { method: 'POST', body: {} });
    setTimeout(() => { location.href = '/tasks/' + created.taskId; }, 600);
    return 'Created ' + created.taskId;
  }));

  let reloadTimer = null;
  function reloadSoon() {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => load().catch(() => {}), 100);
  }
  const loaded = load().catch(e => R.toast(e.message)).finally(R.ready);
  R.stream({ follow: id }, message => {
    if (message.output) onOutput(message.output);
    if ((message.changed || []).includes(id) || (message.output && message.output.end)) reloadSoon();
  }, () => loaded.then(reloadSoon));
})();
