// The review console: the operator API (/api/admin/...) from the same origin. Everything
// users wrote (nicknames, report details, URLs) goes into the page as text nodes or
// attributes, never as HTML.
'use strict';

const state = { token: sessionStorage.getItem('dt-operator-token') || '' };

function $(id) { return document.getElementById(id); }

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k === 'onclick') node.addEventListener('click', v);
    else if (k === 'className') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function say(text) { $('status').textContent = text || ''; }

// One call: the envelope's data, or an Error with the envelope's msg.
async function api(method, path, fields) {
  const body = new URLSearchParams(fields || {});
  const url = method === 'GET' && [...body].length ? path + '?' + body : path;
  const headers = {};
  if (state.token) headers.Authorization = 'Bearer ' + state.token;
  if (method === 'POST') headers['Content-Type'] = 'application/x-www-form-urlencoded';
  const response = await fetch(url, { method, headers, body: method === 'POST' ? body : undefined });
  const reply = await response.json();
  if (reply.code !== 0) {
    if (reply.code === 504 && path !== '/api/admin/login') showLogin();
    throw new Error(reply.msg + ' (' + reply.code + ')');
  }
  return reply.data || {};
}

function showLogin() {
  state.token = '';
  sessionStorage.removeItem('dt-operator-token');
  $('login').hidden = false;
  $('console').hidden = true;
  $('logout').hidden = true;
  $('who').textContent = '';
}

async function showConsole() {
  const me = await api('GET', '/api/admin/me');
  $('who').textContent = me.name + ' (' + me.role + ')';
  $('login').hidden = true;
  $('console').hidden = false;
  $('logout').hidden = false;
  await openTab(me.role === 'support' ? 'user' : 'photos');
}

async function openTab(name) {
  for (const b of document.querySelectorAll('nav button')) {
    b.classList.toggle('active', b.dataset.tab === name);
  }
  for (const s of document.querySelectorAll('main section')) s.hidden = s.id !== 'tab-' + name;
  say('');
  try {
    if (name === 'photos') await loadPhotos();
    if (name === 'reports') await loadReports();
    if (name === 'audit') await loadAudit();
  } catch (e) { say(e.message); }
}

async function act(method, path, fields, after) {
  say('');
  try {
    await api(method, path, fields);
    await after();
  } catch (e) { say(e.message); }
}

async function loadPhotos() {
  const data = await api('GET', '/api/admin/photos', { pageCount: 100 });
  $('mode').textContent = data.mode === 'pre'
    ? 'Mode pre: others see a photo once it is approved.'
    : 'Mode post: photos show at once and vanish when rejected.';
  const grid = $('photos');
  grid.replaceChildren();
  if (!data.list.length) grid.append(el('p', { className: 'hint' }, 'Nothing waiting.'));
  for (const p of data.list) {
    const reason = el('input', { placeholder: 'reason (for reject)', 'aria-label': 'reason' });
    grid.append(el('div', { className: 'card', 'data-photo': p.photo_id },
      el('img', { src: p.url, alt: 'photo ' + p.photo_id, loading: 'lazy' }),
      el('div', { className: 'meta' }, p.used_as + ' of user ' + p.owner_id + ' (' + p.nickname + '), ' + p.create_time),
      el('div', { className: 'actions' },
        el('button', { className: 'approve', onclick: () => act('POST', '/api/admin/photo/review',
          { photoId: p.photo_id, action: 'approve' }, loadPhotos) }, 'Approve'),
        reason,
        el('button', { className: 'reject', onclick: () => act('POST', '/api/admin/photo/review',
          { photoId: p.photo_id, action: 'reject', reason: reason.value || 'not allowed' }, loadPhotos) }, 'Reject'))));
  }
}

function userActions(userId, after) {
  const reason = el('input', { placeholder: 'reason', 'aria-label': 'reason' });
  const days = el('input', { placeholder: 'days (0: for good)', size: 8, 'aria-label': 'days' });
  const why = () => reason.value || 'see reports';
  return el('div', { className: 'actions' }, reason,
    el('button', { onclick: () => act('POST', '/api/admin/user/warn', { userId, reason: why() }, after) }, 'Warn'),
    el('button', { onclick: () => act('POST', '/api/admin/user/hide', { userId, reason: why() }, after) }, 'Hide'),
    days,
    el('button', { className: 'ban', onclick: () => act('POST', '/api/admin/user/ban',
      { userId, days: days.value || '0', reason: why() }, after) }, 'Ban'),
    el('button', { onclick: () => act('POST', '/api/admin/user/clear', { userId }, after) }, 'Clear'),
    el('button', { onclick: () => act('POST', '/api/admin/user/unban', { userId }, after) }, 'Unban'));
}

async function loadReports() {
  const data = await api('GET', '/api/admin/reports', { pageCount: 100 });
  const box = $('reports');
  box.replaceChildren();
  if (!data.list.length) box.append(el('p', { className: 'hint' }, 'No open reports.'));
  for (const u of data.list) {
    const reasons = u.reasons.map((r) => r.reason + ' x' + r.count).join(', ');
    box.append(el('div', { className: 'card', 'data-user': u.user_id },
      u.avatar ? el('img', { src: u.avatar, alt: 'avatar of ' + u.user_id }) : '',
      el('div', { className: 'meta' }, 'user ' + u.user_id + ' (' + u.nickname + '), ' + u.status + ': ' +
        u.reports + ' reports (' + u.established + ' from established accounts) since ' + u.first_report),
      el('div', { className: 'meta' }, reasons),
      ...u.details.map((d) => el('div', { className: 'meta' }, '"' + d + '"')),
      userActions(u.user_id, loadReports)));
  }
}

async function lookup(userId) {
  const u = await api('GET', '/api/admin/user', { userId });
  const box = $('user');
  box.replaceChildren(el('div', { className: 'card' },
    u.avatar ? el('img', { src: u.avatar, alt: 'avatar' }) : '',
    el('div', { className: 'meta' }, 'user ' + u.user_id + ' (' + u.nickname + '), phone ' + u.phone),
    el('div', { className: 'meta' }, 'status ' + u.status + (u.ban_until ? ' until ' + u.ban_until : '') +
      ', ' + u.open_reports + ' open reports, ' + u.warnings + ' warnings, ' + u.sessions + ' sessions'),
    userActions(u.user_id, () => lookup(userId))));
}

async function loadAudit() {
  const data = await api('GET', '/api/admin/audit', { pageCount: 100 });
  const rows = data.list.map((a) => el('tr', {}, el('td', {}, a.create_time), el('td', {}, a.actor),
    el('td', {}, a.action), el('td', {}, a.target_type + ' ' + a.target_id), el('td', {}, a.before),
    el('td', {}, a.after)));
  $('audit').replaceChildren(el('table', {}, el('tr', {}, ...['when', 'who', 'what', 'target', 'before', 'after']
    .map((h) => el('th', {}, h))), ...rows));
}

$('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  say('');
  try {
    const data = await api('POST', '/api/admin/login', { name: $('name').value, password: $('password').value });
    state.token = data.token;
    sessionStorage.setItem('dt-operator-token', data.token);
    $('password').value = '';
    await showConsole();
  } catch (e) { say(e.message); }
});
$('logout').addEventListener('click', async () => {
  try { await api('POST', '/api/admin/logout'); } catch (e) { /* ended already */ }
  showLogin();
});
$('lookup').addEventListener('submit', (event) => {
  event.preventDefault();
  lookup($('lookup-id').value).catch((e) => say(e.message));
});
for (const b of document.querySelectorAll('nav button')) {
  b.addEventListener('click', () => openTab(b.dataset.tab));
}
if (state.token) showConsole().catch(() => showLogin());
else showLogin();
