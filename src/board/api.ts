/** The REST calls of the live board, with the signed-in user's token when there is one. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export class Api {
  token: string | undefined;
  /** The seq of this board's newest write: every later read asks to reflect it (`X-Min-Event-Seq`), on any node. */
  private ownWriteSeq = 0;

  async get<T>(path: string): Promise<{ body: T; seq: number }> {
    const response = await this.send('GET', path);
    return { body: (await response.json()) as T, seq: Number(response.headers.get('x-event-seq') ?? 0) };
  }

  /** Every page of a listing; `seq` is the lowest any page reflected, so a replay from it misses nothing. */
  async all<T>(path: string): Promise<{ items: T[]; seq: number }> {
    const items: T[] = [];
    let seq = Number.POSITIVE_INFINITY;
    let cursor: string | null = null;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const query: string = cursor
        ? `${separator}limit=100&cursor=${encodeURIComponent(cursor)}`
        : `${separator}limit=100`;
      const page: { body: Page<T>; seq: number } = await this.get<Page<T>>(`${path}${query}`);
      items.push(...page.body.items);
      seq = Math.min(seq, page.seq);
      cursor = page.body.nextCursor;
    } while (cursor);
    return { items, seq };
  }

  /** Sends a change; resolves with the answer's body (undefined for 204 No Content). */
  async write<T>(method: 'POST' | 'PATCH', path: string, body?: unknown): Promise<T> {
    const response = await this.send(method, path, body);
    this.ownWriteSeq = Math.max(this.ownWriteSeq, Number(response.headers.get('x-event-seq') ?? 0));
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  private async send(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method === 'GET' && this.ownWriteSeq > 0) headers['x-min-event-seq'] = String(this.ownWriteSeq);
    const response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) {
      const error = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
      throw new ApiError(response.status, error.code ?? 'ERROR', error.message ?? response.statusText);
    }
    return response;
  }
}
