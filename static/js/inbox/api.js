// JSON API client: same-origin fetch, CSRF header on writes, errors thrown as ApiError with words.

let bootCache = null;

/** The page's boot JSON ({user, csrf_token, brand, provider}). */
export function boot() {
  if (bootCache) return bootCache;
  const el = document.getElementById("boot");
  let data = {};
  try {
    data = el ? JSON.parse(el.textContent) : {};
  } catch {
    data = {};
  }
  const meta = document.querySelector('meta[name="csrf-token"]');
  bootCache = { user: null, brand: "", provider: "simulator", ...data };
  bootCache.csrf_token = bootCache.csrf_token || (meta ? meta.content : "");
  return bootCache;
}

export class ApiError extends Error {
  /** details: the whole `error` object of the answer (segment errors add line and column). */
  constructor(status, code, message, fields = [], details = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.details = details;
  }
}

/** One request; resolves with the parsed JSON body (null for 204), rejects with ApiError. */
export async function request(method, path, body) {
  const headers = { Accept: "application/json" };
  const init = { method, credentials: "same-origin", headers };
  if (method !== "GET" && method !== "HEAD") headers["X-CSRFToken"] = boot().csrf_token;
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, "network", "Could not reach the server. Check your connection and try again.");
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = (data && data.error) || {};
    const message = error.message || fallbackMessage(response.status);
    throw new ApiError(response.status, error.code || `http_${response.status}`, message, error.fields || [], error);
  }
  return data;
}

function fallbackMessage(status) {
  if (status === 401) return "Your session has ended. Reload the page to log in again.";
  if (status === 403) return "You are not allowed to do that.";
  if (status === 404) return "Not found.";
  if (status === 409) return "That cannot be done in its current state. Reload the page and try again.";
  if (status === 429) return "Too many requests. Wait a moment and try again.";
  if (status >= 500) return "The server had a problem. Try again in a moment.";
  return `Request failed (${status}).`;
}

/** Query string from an object, leaving out empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

export const get = (path, params = {}) => request("GET", path + query(params));
export const post = (path, body = {}) => request("POST", path, body);
export const patch = (path, body = {}) => request("PATCH", path, body);
export const del = (path) => request("DELETE", path);

/** The human message of any thrown error. */
export function errorText(error) {
  if (error instanceof ApiError) {
    const field = error.fields && error.fields[0];
    if (error.code === "csrf_failed") return "This page is out of date. Reload it and try again.";
    if (field && field.message && !error.message.includes(field.message)) {
      return `${error.message} (${field.field}: ${field.message})`;
    }
    return error.message;
  }
  return "Something went wrong. Try again.";
}
