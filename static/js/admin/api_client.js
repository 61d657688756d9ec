// The admin screens' JSON client: like inbox/api.js `request`, but a failure keeps every key of the
// error body (`line`, `column`, `field` …) in `err.details`, and collections can be read whole.
import { ApiError, boot, get, query } from "../inbox/api.js";

/** An ApiError that also carries the whole `error` object (segment errors add line and column). */
export class DetailedError extends ApiError {
  constructor(status, code, message, fields, details) {
    super(status, code, message, fields);
    this.details = details || {};
  }
}

/** One JSON request. Resolves with the parsed body, or null for 204; rejects with a DetailedError. */
export async function call(method, path, body) {
  const headers = { Accept: "application/json" };
  const init = { method, credentials: "same-origin", headers };
  if (method !== "GET") headers["X-CSRFToken"] = boot().csrf_token;
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new DetailedError(0, "network", "Could not reach the server. Check your connection and try again.", [], {});
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
    const message = error.message || fallback(response.status);
    throw new DetailedError(response.status, error.code || `http_${response.status}`, message, error.fields || [], error);
  }
  return data;
}

/** Words for a failure whose body said nothing (a proxy's error page, an empty answer). */
function fallback(status) {
  if (status === 401) return "Your session has ended. Reload the page to log in again.";
  if (status === 403) return "You are not allowed to do that.";
  if (status === 404) return "Not found.";
  if (status === 409) return "That cannot be done in its current state. Reload the page and try again.";
  if (status === 429) return "Too many requests. Wait a moment and try again.";
  if (status >= 500) return "The server had a problem. Try again in a moment.";
  return `Request failed (${status}).`;
}

export const api = {
  get: (path, params = {}) => call("GET", path + query(params)),
  post: (path, body = {}) => call("POST", path, body),
  patch: (path, body = {}) => call("PATCH", path, body),
  del: (path) => call("DELETE", path),
};

/**
 * Every item of a collection ({data, next_cursor}), at most `pages` pages of 200. `paged: false` for
 * one that answers everything in one page and takes no ?limit= (GET /attributes).
 */
export async function fetchAll(path, params = {}, { paged = true, pages = 50 } = {}) {
  const all = [];
  let cursor = null;
  let count = 0;
  do {
    const page = await get(path, paged ? { ...params, limit: 200, cursor } : { ...params, cursor });
    all.push(...(page.data || []));
    cursor = page.next_cursor || null;
    count += 1;
  } while (cursor && count < pages); // a runaway cursor must not hang the page
  return all;
}
