// The admin screens' JSON client: inbox/api.js's requests (failures keep the whole error body in
// `err.details`), plus reading a collection whole.
import { del, get, patch, post } from "../inbox/api.js";

export const api = { get, post, patch, del };

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
