// rediacc console: what every page shares. Plain JavaScript, no build, no external asset.
// Data reaches the page only through the API (same-origin, the session cookie) and the one stream
// of the tab; every value is written with textContent, never as HTML.
'use strict';
(function () {
  const R = window.rediacc = {};
  R.me = JSON.parse(document.body.dataset.me || '{}');
  R.csrf = (document.querySelector('meta[name=csrf-token]') || {}).content || '';
  const RANK = { VIEWER: 1, OPERATOR: 2, ADMIN: 3 };
  const TERMINAL = ['COMPLETED', 'FAILED', 'CANCELLED'];
  R.TERMINAL = TERMINAL;
  R.STATUSES = ['PENDING', 'ASSIGNED', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED'];

  /** Whether the signed-in caller has at least `role` in `team` (the server checks again). */
  R.may = function (team, role) {
    if (R.me.globalAdmin) return true;
    const has = (R.me.roles || {})[team];
    return !!has && RANK[has] >= RANK[role];
  };
  R.mayAny = function (role) {
    if (R.me.globalAdmin) return true;
    return Object.values(R.me.roles || {}).some(r => RANK[r] >= RANK[role]);
  };

  /** A call to the API with the session cookie; a changing call carries the CSRF token. */
  R.api = async function (path, options) {
    const opts = options || {};
    const method = opts.method || 'GET';
    const headers = { 'Accept': 'application/json' };
    if (method !== 'GET') {
      headers['X-CSRF-Token'] = R.csrf;
      headers['Content-Type'] = 'application/json';
    }
    const response = await fetch(path, {
      method: method, headers: headers, credentials: 'same-origin', cache: 'no-store',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body)
    });
    if (response.status === 401) {
      location.href = '/sign-in?next=' + encodeURIComponent(location.pathname + location.search);
      throw new Error('signed out');
    }
    const type = response.headers.get('Content-Type') || '';
    const body = type.includes('json') ? await response.json() : await response.text();
    if (!response.ok) {
      const error = new Error((body && body.detail) || (response.status + ' ' + response.statusText));
      error.status = response.status;
      throw error;
    }
    return body;
  };

  /**
   * The tab's one stream (docs/console.md): at most one `tick` message per interval. `onOpen` runs each time
   * it (re)connects: what changed before that, after the page read its data, came in no tick.
   */
  R.stream = function (params, onTick, onOpen) {
    const live = document.getElementById('live');
    const query = params instanceof URLSearchParams ? params : new URLSearchParams(params || {});
    const source = new EventSource('/api/v1/console/stream?' + query.toString());
    source.addEventListener('open', () => {
      if (live) live.classList.add('on');
      if (onOpen) onOpen();
    });
    source.addEventListener('error', () => live && live.classList.remove('on'));
    source.addEventListener('tick', event => {
      R.messages = (R.messages || 0) + 1;
      try { onTick(JSON.parse(event.data)); } catch (e) { console.error(e); }
    });
    window.addEventListener('pagehide', () => source.close());
    R.source = source;
    return source;
  };

  /** Builds an element: el('a', {href: '/x', class: 'y'}, 'text', child...). Text is never parsed as HTML. */
  R.el = function (tag, attrs) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? '' : v);
    }
    for (let i = 2; i < arguments.length; i++) {
      const child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  };
  R.clear = function (node) { while (node.firstChild) node.removeChild(node.firstChild); return node; };
  R.status = status => R.el('span', { class: 'status ' + status }, status);
  // Task ids are UUIDv7: their first digits are a timestamp, shared by tasks created together; the end tells them apart.
  R.shortId = id => String(id).slice(-8);
  R.taskLink = id => R.el('a', { href: '/tasks/' + id, class: 'mono', title: id }, R.shortId(id));

  R.time = function (iso) {
    if (!iso) return '';
    const d = new Date(iso);
    return d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
  };
  R.duration = function (seconds) {
    if (seconds === null || seconds === undefined) return '–';
    const s = Math.max(0, Math.round(seconds));
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
    if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
    return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
  };
  R.ago = function (iso) {
    if (!iso) return '';
    return R.duration((Date.now() - new Date(iso).getTime()) / 1000) + ' ago';
  };
  R.params = () => new URLSearchParams(location.search);
  /** Marks the page as loaded (its first data shown, or its error): what tests and users wait for. */
  R.ready = () => { document.body.dataset.ready = 'true'; };

  /** A sparkline of `values` as an inline SVG (drawn here, no chart library). */
  R.sparkline = function (container, values, caption) {
    const ns = 'http://www.w3.org/2000/svg';
    const w = 300, h = 60;
    const max = Math.max(1, ...values);
    const step = values.length > 1 ? w / (values.length - 1) : w;
    const pts = values.map((v, i) => (i * step).toFixed(1) + ',' + (h - 2 - (v / max) * (h - 4)).toFixed(1));
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', caption);
    const area = document.createElementNS(ns, 'polygon');
    area.setAttribute('points', '0,' + h + ' ' + pts.join(' ') + ' ' + w + ',' + h);
    const line = document.createElementNS(ns, 'polyline');
    line.setAttribute('points', pts.join(' '));
    svg.append(area, line);
    const last = values.length ? values[values.length - 1] : 0;
    R.clear(container).append(svg, R.el('div', { class: 'label' },
      R.el('span', {}, '60 min ago'), R.el('span', {}, 'max ' + max), R.el('strong', {}, 'now ' + last)));
  };

  R.toast = function (message) {
    const toast = document.getElementById('toast');
    toast.textContent = message;
    toast.classList.add('show');
    clearTimeout(R.toastTimer);
    R.toastTimer = setTimeout(() => toast.classList.remove('show'), 4000);
  };

  /** Asks before acting; `act(progress)` runs on "Confirm" and may report progress (0..1). */
  R.confirm = function (text, act) {
    const dialog = document.getElementById('confirm');
    const yes = document.getElementById('confirm-yes');
    const no = document.getElementById('confirm-no');
    const bar = document.getElementById('confirm-progress');
    const result = document.getElementById('confirm-result');
    document.getElementById('confirm-text').textContent = text;
    result.textContent = '';
    bar.hidden = true;
    yes.disabled = false;
    yes.hidden = false;
    no.textContent = 'Cancel';
    return new Promise(resolve => {
      const done = value => { yes.onclick = null; no.onclick = null; resolve(value); };
      no.onclick = () => { dialog.close(); done(false); };
      yes.onclick = async () => {
        yes.disabled = true;
        bar.hidden = false;
        bar.value = 0;
        try {
          const summary = await act(fraction => { bar.value = fraction; });
          result.textContent = summary || 'Done.';
        } catch (e) {
          result.textContent = 'Failed: ' + e.message;
        }
        yes.hidden = true;
        no.textContent = 'Close';
        no.onclick = () => { dialog.close(); done(true); };
      };
      dialog.showModal();
    });
  };

  /** Fills the team selector with the caller's teams; a change reloads the page with ?team= in its URL. */
  R.teamSelect = async function (onChange) {
    const select = document.getElementById('team-select');
    if (!select) return;
    let teams = Object.keys(R.me.roles || {}).sort();
    if (R.me.globalAdmin) {
      try { teams = (await R.api('/api/v1/teams?limit=1000')).items.map(t => t.name); } catch (e) { /* keep */ }
    }
    const current = R.params().get('team') || '';
    for (const team of teams) select.append(R.el('option', { value: team, selected: team === current }, team));
    select.value = current;
    if (select.dataset.param) {
      select.addEventListener('change', () => {
        const params = R.params();
        if (select.value) params.set('team', select.value); else params.delete('team');
        if (onChange) onChange(select.value, params);
        else location.search = params.toString();
      });
    }
  };

  /** Keeps a page's own search box in the URL (?q=) without reloading. */
  R.searchInUrl = function (input, onInput) {
    input.value = R.params().get('q') || '';
    input.addEventListener('input', () => {
      const params = R.params();
      if (input.value) params.set('q', input.value); else params.delete('q');
      history.replaceState(null, '', location.pathname + (params.toString() ? '?' + params : ''));
      onInput(input.value.toLowerCase());
    });
  };

  // Role-dependent controls: hidden from callers whose role cannot use them (the API refuses them anyway).
  if (!R.mayAny('OPERATOR')) document.querySelectorAll('.operator-only').forEach(n => n.remove());
  if (!R.mayAny('ADMIN')) document.querySelectorAll('.admin-only').forEach(n => n.remove());

  // Theme: system preference, or the user's choice (t, or the button).
  function toggleTheme() {
    const dark = document.documentElement.dataset.theme
      ? document.documentElement.dataset.theme === 'dark'
      : matchMedia('(prefers-color-scheme: dark)').matches;
    const next = dark ? 'light' : 'dark';
    document.documentElement.dataset.theme = next;
    try { localStorage.setItem('rediacc-theme', next); } catch (e) { /* storage off */ }
  }
  document.getElementById('theme').addEventListener('click', toggleTheme);
  const help = document.getElementById('help');
  document.getElementById('help-open').addEventListener('click', () => help.showModal());

  // Keyboard shortcuts: / search, ? help, g then o|t|m|c|g to go, t theme.
  let pendingG = false;
  document.addEventListener('keydown', event => {
    const target = event.target;
    const typing = target && (target.tagName === 'INPUT' || target.tagName === 'SELECT' || target.tagName === 'TEXTAREA');
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (document.querySelector('dialog[open]')) return;
    if (pendingG) {
      pendingG = false;
      const to = { o: '/', t: '/tasks', m: '/machines', c: '/crons', g: '/groups', a: '/audit' }[event.key];
      if (to) { event.preventDefault(); location.href = to; }
      return;
    }
    if (event.key === '/') {
      const search = document.getElementById('search');
      if (search) { event.preventDefault(); search.focus(); search.select && search.select(); }
    } else if (event.key === '?') {
      event.preventDefault();
      help.showModal();
    } else if (event.key === 'g') {
      pendingG = true;
      setTimeout(() => { pendingG = false; }, 1500);
    } else if (event.key === 't') {
      toggleTheme();
    } else if (R.onKey) {
      R.onKey(event);
    }
  });
})();
