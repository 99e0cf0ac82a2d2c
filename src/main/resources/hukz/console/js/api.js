// Calls hukz's public API with the signed-in user's X-User (and API token), both from session storage.
const USER = 'hukz.user';
const TOKEN = 'hukz.token';

export const session = {
  user: () => sessionStorage.getItem(USER),
  signIn(user, token) {
    sessionStorage.setItem(USER, user);
    if (token) sessionStorage.setItem(TOKEN, token); else sessionStorage.removeItem(TOKEN);
  },
  signOut() {
    sessionStorage.removeItem(USER);
    sessionStorage.removeItem(TOKEN);
  },
};

/** An answer that is not 2xx: its status and hukz's {"errors":[...]} in words. */
export class ApiError extends Error {
  constructor(status, errors, path) {
    super(errors.map((e) => e.message + (e.source ? ` (${e.source})` : '')).join('\n'));
    this.status = status;
    this.errors = errors;
    this.path = path;
  }
}

export async function call(method, path, body) {
  const headers = { 'X-User': session.user() || '' };
  const token = sessionStorage.getItem(TOKEN);
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, [{ message: `Cannot reach hukz (${e.message})`, source: '' }], path);
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (e) {
    json = null;
  }
  if (!response.ok) {
    let errors = json && Array.isArray(json.errors) ? json.errors : null;
    if (!errors && json && json.errors && typeof json.errors === 'object') {
      errors = Object.entries(json.errors).map(([k, v]) => ({ message: `${k}: ${v}`, source: '' }));
    }
    if (!errors) errors = [{ message: `${response.status} ${response.statusText || ''} ${text.slice(0, 200)}`.trim(), source: '' }];
    if (response.status === 401) {
      errors = [{ message: 'Unauthorized: check the user id and, when hukz has an api_token, the API token.', source: '' }];
    }
    throw new ApiError(response.status, errors, path);
  }
  return json;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body === undefined ? {} : body);
export const put = (path, body) => call('PUT', path, body);
export const del = (path) => call('DELETE', path);

/** A query string of the set values only. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) v.filter((x) => x !== '' && x != null).forEach((x) => q.append(k, x));
    else if (v !== '' && v != null) q.set(k, v);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
