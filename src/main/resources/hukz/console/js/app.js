// The console's shell: sign-in, hash routes (#/deliveries?status=failed), and the live refresh of the page shown.
import { session } from './api.js';
import { clearError, hideNotice, showError } from './ui.js';
import { overview } from './overview.js';
import { eventsPage, eventPage } from './events.js';
import { webhooksPage, webhookPage } from './webhooks.js';
import { deliveriesPage, deliveryPage } from './deliveries.js';
import { logsPage } from './logs.js';

/** How often a live page asks again: new deliveries and attempts show within 2 s. */
export const REFRESH_MS = 1500;

const routes = [
  [/^\/$/, overview, '#/'],
  [/^\/events$/, eventsPage, '#/events'],
  [/^\/events\/(\d+|new)$/, eventPage, '#/events'],
  [/^\/webhooks$/, webhooksPage, '#/webhooks'],
  [/^\/webhooks\/(\d+|new)$/, webhookPage, '#/webhooks'],
  [/^\/deliveries$/, deliveriesPage, '#/deliveries'],
  [/^\/deliveries\/(\d+)$/, deliveryPage, '#/deliveries'],
  [/^\/logs$/, logsPage, '#/logs'],
];

let current = null; // {refresh, timer}
// A notice ("Webhook #3 created.") survives the move the console itself makes after an action, not the next one.
let keepNotice = false;
let renderId = 0;

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, q] = raw.split('?');
  return { path, params: new URLSearchParams(q || '') };
}

/** Changes the hash (and so the page) to path with these parameters. */
export function navigate(path, params) {
  const q = params ? new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '' && v != null)).toString() : '';
  const hash = `#${path}${q ? `?${q}` : ''}`;
  keepNotice = true;
  if (location.hash === hash) {
    keepNotice = false;
    render();
  } else {
    location.hash = hash;
  }
}

function stop() {
  if (current && current.timer) clearInterval(current.timer);
  current = null;
}

async function render() {
  stop();
  clearError();
  const signedIn = !!session.user();
  document.getElementById('login').hidden = signedIn;
  document.getElementById('nav').hidden = !signedIn;
  document.getElementById('who').hidden = !signedIn;
  const view = document.getElementById('view');
  view.replaceChildren();
  if (!signedIn) {
    document.getElementById('user-id').focus();
    return;
  }
  document.getElementById('who-user').textContent = `User ${session.user()}`;
  const { path, params } = parseHash();
  const match = routes.map(([re, page, nav]) => [path.match(re), page, nav]).find(([m]) => m);
  if (!match) {
    navigate('/');
    return;
  }
  const [m, page, nav] = match;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.getAttribute('href') === nav) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  const id = ++renderId;
  try {
    const shown = await page(view, { id: m[1], params });
    if (id !== renderId) return;
    if (shown && shown.refresh) {
      const entry = { refresh: shown.refresh, busy: false };
      entry.timer = setInterval(async () => {
        if (document.hidden || entry.busy || current !== entry) return;
        entry.busy = true;
        try {
          await entry.refresh();
        } catch (e) {
          showError(e);
        } finally {
          entry.busy = false;
        }
      }, REFRESH_MS);
      current = entry;
    }
  } catch (e) {
    if (id === renderId) showError(e);
  }
}

function start() {
  document.getElementById('login-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const user = document.getElementById('user-id').value.trim();
    if (!/^[1-9][0-9]*$/.test(user)) {
      showError(new Error('The user id must be a positive whole number.'));
      return;
    }
    session.signIn(user, document.getElementById('api-token').value);
    document.getElementById('api-token').value = '';
    render();
    document.getElementById('main').focus();
  });
  document.getElementById('sign-out').addEventListener('click', () => {
    session.signOut();
    navigate('/');
  });
  window.addEventListener('hashchange', () => {
    if (!keepNotice) hideNotice();
    keepNotice = false;
    render();
    document.getElementById('main').focus({ preventScroll: true });
  });
  render();
}

start();
