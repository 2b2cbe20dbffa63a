import { InvalidCursorError } from '../errors.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Cursors are opaque to clients: base64url of the last id seen (keyset pagination by id). */
export function decodeCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const match = /^id:(\d{1,10})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  const afterId = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(afterId)) throw new InvalidCursorError();
  return afterId;
}

/** Builds a page from `limit + 1` fetched rows: the extra row only says there is more. */
export function toPage<T extends { id: number }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const nextCursor = rows.length > limit && last ? Buffer.from(`id:${last.id}`).toString('base64url') : null;
  return { items, nextCursor };
}
