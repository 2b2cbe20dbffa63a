import { Webhook } from 'standardwebhooks';
import { until } from '../helpers/until.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';
import { createPet, startTestApp, type TestApp } from '../helpers/test-app.js';
import { WebhookUrlGuard } from '../../webhooks/url-guard.js';
import { pruneOnce } from '../../events/retention.js';

let t: TestApp;
let admin: string;
let customer: string;
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  t = await startTestApp({
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    WEBHOOK_POLL_INTERVAL_MS: '50',
    WEBHOOK_RETRY_BASE_MS: '100',
    WEBHOOK_TIMEOUT_MS: '2000',
  });
  admin = await t.adminToken();
  customer = (await t.customer('hooked')).token;
});
afterAll(async () => {
  await t.close();
  await Promise.all(receivers.map((receiver) => receiver.close()));
});

async function receiver(): Promise<{ receiver: WebhookReceiver; url: string }> {
  const created = new WebhookReceiver();
  receivers.push(created);
  return { receiver: created, url: await created.start() };
}

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, token = admin) =>
  t.call({ method, url: `/api/v1${url}`, token, body });

async function createWebhook(url: string, topics = ['pets']) {
  const response = await api('POST', '/webhooks', { url, topics });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: number; secret: string; cursor: number };
}

const webhookOf = async (id: number) => (await api('GET', `/webhooks/${id}`)).json();
const renamePet = (id: number, name: string) => api('PATCH', `/pets/${id}`, { name });

describe('webhooks: the admin API', () => {
  it('creates a webhook with a whsec_ secret shown once, lists, gets, changes and deletes it', async () => {
    const { url } = await receiver();
    const created = await api('POST', '/webhooks', {
      url,
      topics: ['orders', 'pets:1'],
      description: 'ship',
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers.location).toBe(`/api/v1/webhooks/${created.json().id}`);
    const webhook = created.json();
    expect(webhook).toMatchObject({
      url,
      topics: ['orders', 'pets:1'],
      description: 'ship',
      status: 'active',
    });
    expect(webhook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const read = (await api('GET', `/webhooks/${webhook.id}`)).json();
    expect(read).not.toHaveProperty('secret');
    expect(read).toMatchObject({ id: webhook.id, failure: null, backlog: 0 });
    const listed = (await api('GET', '/webhooks?limit=100')).json();
    expect(listed.items.map((item: { id: number }) => item.id)).toContain(webhook.id);
    expect(JSON.stringify(listed)).not.toContain('whsec_');
    const patched = await api('PATCH', `/webhooks/${webhook.id}`, { topics: ['pets'], status: 'paused' });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ topics: ['pets'], status: 'paused' });
    expect((await api('DELETE', `/webhooks/${webhook.id}`)).statusCode).toBe(204);
    expect((await api('GET', `/webhooks/${webhook.id}`)).json()).toMatchObject({ code: 'WEBHOOK_NOT_FOUND' });
    expect((await api('DELETE', `/webhooks/${webhook.id}`)).statusCode).toBe(404);
  });

  it('answers bad input with a clear 400 and never a 5xx', async () => {
    const { url } = await receiver();
    const bad: unknown[] = [
      {},
      { url },
      { url, topics: [] },
      { url, topics: ['kittens'] },
      { url, topics: ['pets'], extra: 1 },
      { url: 42, topics: ['pets'] },
      { url: 'x'.repeat(3000), topics: ['pets'] },
    ];
    for (const body of bad) {
      const response = await api('POST', '/webhooks', body);
      expect([JSON.stringify(body).slice(0, 60), response.statusCode]).toEqual([
        JSON.stringify(body).slice(0, 60),
        400,
      ]);
      expect(response.json().code).toBe('VALIDATION_ERROR');
    }
    const { id } = await createWebhook(url);
    expect((await api('PATCH', `/webhooks/${id}`, {})).statusCode).toBe(400);
    expect((await api('PATCH', `/webhooks/${id}`, { status: 'failing' })).statusCode).toBe(400);
    expect((await api('GET', '/webhooks/abc')).statusCode).toBe(400);
    const future = await api('POST', `/webhooks/${id}/redeliver`, { since: 1e12 });
    expect(future.statusCode).toBe(400);
    expect(future.json().code).toBe('WEBHOOK_SEQ_OUT_OF_RANGE');
    expect((await api('POST', `/webhooks/${id}/redeliver`, { since: -1 })).statusCode).toBe(400);
    await api('DELETE', `/webhooks/${id}`);
  });

  it('refuses every kind of unsafe target with WEBHOOK_URL_FORBIDDEN, on create and on change', async () => {
    const refused = [
      'http://example.com/hook', // http: to a host not allowed
      'ftp://example.com/hook',
      'https://user:secret@example.com/hook', // credentials
      'not a url',
      'https://localhost/hook', // a name resolving to loopback
      'https://127.0.0.2/hook',
      'https://10.0.0.8/hook',
      'https://172.16.4.4/hook',
      'https://192.168.1.1/hook',
      'https://169.254.169.254/latest/meta-data', // cloud metadata
      'https://100.64.0.1/hook',
      'https://0.0.0.0/hook',
      'https://[::1]/hook',
      'https://[fd00:ec2::254]/hook',
      'https://[fe80::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://host.invalid/hook', // does not resolve
    ];
    for (const url of refused) {
      const response = await api('POST', '/webhooks', { url, topics: ['pets'] });
      expect([url, response.statusCode, response.json().code]).toEqual([url, 400, 'WEBHOOK_URL_FORBIDDEN']);
    }
    const { url } = await receiver();
    const { id } = await createWebhook(url);
    const changed = await api('PATCH', `/webhooks/${id}`, { url: 'https://10.1.1.1/' });
    expect(changed.json().code).toBe('WEBHOOK_URL_FORBIDDEN');
    expect((await webhookOf(id)).url).toBe(url);
    await api('DELETE', `/webhooks/${id}`);
  });

  it('checks the address again when it connects, so a name that now resolves inside is refused then', async () => {
    const guard = new WebhookUrlGuard([]);
    const looked = await new Promise<Error | null>((resolve) =>
      guard.lookup('localhost', {}, (error) => resolve(error)),
    );
    expect(looked?.message).toMatch(/forbidden address/);
    const allowed = new WebhookUrlGuard(['localhost']);
    const listed = await new Promise<string>((resolve) =>
      allowed.lookup('localhost', {}, (_error, address) => resolve(String(address))),
    );
    expect(listed).toMatch(/^(127\.0\.0\.1|::1)$/);
  });

  it('is for admins only', async () => {
    const { url } = await receiver();
    expect((await api('POST', '/webhooks', { url, topics: ['pets'] }, customer)).statusCode).toBe(403);
    expect((await t.call({ method: 'GET', url: '/api/v1/webhooks' })).statusCode).toBe(401);
  });
});

describe('webhooks: delivery', () => {
  it('sends hundreds of events in seq order, each once, signed as Standard Webhooks', async () => {
    const { receiver: hooks, url } = await receiver();
    const webhook = await createWebhook(url);
    const pet = await createPet(t);
    for (let index = 0; index < 300; index += 1) await renamePet(pet.id, `Rex ${index}`);
    await until(
      () => hooks.requests.length >= 301,
      30_000,
      () => `301 deliveries, got ${hooks.requests.length}`,
    );
    const seqs = hooks.seqs();
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    const verifier = new Webhook(webhook.secret);
    const bodies = hooks.requests.map((request) =>
      verifier.verify(request.body, request.headers as Record<string, string>),
    ) as Array<{ seq: number; epoch: string; type: string; topic: string; payload: { name: string } }>;
    expect(bodies[0]).toMatchObject({ type: 'pet.created', topic: 'pets' });
    expect(bodies.slice(1).map((body) => body.payload.name)).toEqual(
      Array.from({ length: 300 }, (_, index) => `Rex ${index}`),
    );
    expect(hooks.requests[0]?.headers['webhook-id']).toBe(`${bodies[0]?.epoch}:${bodies[0]?.seq}`);
    await until(async () => (await webhookOf(webhook.id)).backlog === 0, 5000, 'the backlog to drain');
    const deliveries = (await api('GET', `/webhooks/${webhook.id}/deliveries`)).json().items;
    expect(deliveries).toHaveLength(50);
    expect(deliveries[0]).toMatchObject({ seq: seqs.at(-1), attempt: 1, status: 200 });
    await api('DELETE', `/webhooks/${webhook.id}`);
  });

  it('sends only the topics asked for, and an item topic only for its item', async () => {
    const { receiver: hooks, url } = await receiver();
    const [watched, other] = [await createPet(t), await createPet(t)];
    const { id } = await createWebhook(url, [`pets:${watched.id}`]);
    await renamePet(other.id, 'Not this one');
    await renamePet(watched.id, 'This one');
    await until(() => hooks.requests.length >= 1, 5000, 'a delivery');
    await until(async () => (await webhookOf(id)).backlog === 0, 5000, 'the cursor to pass the other events');
    expect(hooks.requests.map((request) => JSON.parse(request.body).payload.name)).toEqual(['This one']);
    await api('DELETE', `/webhooks/${id}`);
  });

  it('retries a failing receiver with growing waits, keeps the order, and loses nothing once it recovers', async () => {
    const { receiver: hooks, url } = await receiver();
    let failures = 5;
    hooks.answer = () => (failures-- > 0 ? 503 : 200);
    const { id } = await createWebhook(url);
    const pet = await createPet(t);
    for (let index = 0; index < 10; index += 1) await renamePet(pet.id, `Try ${index}`);
    await until(() => hooks.seqs({ acknowledged: true }).length >= 11, 20_000, 'every event acknowledged');
    const failed = hooks.requests.filter((request) => request.status === 503);
    expect(failed).toHaveLength(5);
    expect(new Set(failed.map((request) => request.headers['webhook-id'])).size).toBe(1); // one event, retried
    const waits = hooks.requests.slice(1, 6).map((request, index) => request.at - hooks.requests[index]!.at);
    // Retry n waits at least half of base × 2^(n-1) (backoff with jitter); a loaded machine only lengthens a wait.
    waits.forEach((wait, index) => expect(wait).toBeGreaterThanOrEqual((100 * 2 ** index) / 2 - 10));
    expect(waits.at(-1)!).toBeGreaterThan(waits[0]!);
    const acknowledged = hooks.seqs({ acknowledged: true });
    expect(acknowledged).toEqual([...new Set(acknowledged)].sort((a, b) => a - b));
    const attempts = (await api('GET', `/webhooks/${id}/deliveries`)).json().items;
    expect(attempts.filter((attempt: { status: number }) => attempt.status === 503)).toHaveLength(5);
    expect(attempts.at(-1)).toMatchObject({ attempt: 1, status: 503, error: 'HTTP 503: thanks' });
    await api('DELETE', `/webhooks/${id}`);
  });

  it('disables a webhook answered 410 Gone, counts it in /health, and resumes from its place when re-activated', async () => {
    const { receiver: hooks, url } = await receiver();
    hooks.answer = () => 410;
    const { id } = await createWebhook(url);
    const pet = await createPet(t);
    await until(async () => (await webhookOf(id)).status === 'disabled', 5000, 'the webhook to be disabled');
    expect((await webhookOf(id)).failure).toBe('GONE');
    expect(hooks.requests).toHaveLength(1);
    expect((await t.call({ method: 'GET', url: '/health' })).json().webhooks.failing).toBeGreaterThanOrEqual(
      1,
    );
    await renamePet(pet.id, 'While gone');
    hooks.answer = () => 200;
    expect((await api('PATCH', `/webhooks/${id}`, { status: 'active' })).json()).toMatchObject({
      status: 'active',
      failure: null,
    });
    await until(() => hooks.seqs({ acknowledged: true }).length >= 2, 5000, 'both events');
    expect(hooks.requests.map((request) => JSON.parse(request.body).type)).toEqual([
      'pet.created',
      'pet.created',
      'pet.updated',
    ]);
    await api('DELETE', `/webhooks/${id}`);
  });

  it('holds events while paused and sends them, in order, when resumed', async () => {
    const { receiver: hooks, url } = await receiver();
    const { id } = await createWebhook(url);
    await api('PATCH', `/webhooks/${id}`, { status: 'paused' });
    const pet = await createPet(t);
    for (let index = 0; index < 5; index += 1) await renamePet(pet.id, `Paused ${index}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hooks.requests).toHaveLength(0);
    expect((await webhookOf(id)).backlog).toBeGreaterThanOrEqual(6);
    await api('PATCH', `/webhooks/${id}`, { status: 'active' });
    await until(() => hooks.requests.length >= 6, 5000, 'the held events');
    expect(hooks.requests.map((request) => JSON.parse(request.body).payload.name)).toEqual([
      pet.name,
      ...Array.from({ length: 5 }, (_, index) => `Paused ${index}`),
    ]);
    await api('DELETE', `/webhooks/${id}`);
  });

  it('keeps delivering to a fast receiver while another answers slowly, and follows no redirect', async () => {
    const slow = await receiver();
    const fast = await receiver();
    const moved = await receiver();
    slow.receiver.delayMs = 5000;
    moved.receiver.answer = () => 301;
    const hooks = [
      await createWebhook(slow.url),
      await createWebhook(fast.url),
      await createWebhook(moved.url),
    ];
    const pet = await createPet(t);
    for (let index = 0; index < 5; index += 1) await renamePet(pet.id, `Busy ${index}`);
    // Well under the slow receiver's 5 s for one answer: the fast one never waits behind it.
    await until(() => fast.receiver.requests.length >= 6, 4500, 'the fast receiver to get every event');
    expect(slow.receiver.requests.length).toBeLessThanOrEqual(1);
    await until(() => moved.receiver.requests.length >= 2, 5000, 'the redirect to be retried');
    expect(new Set(moved.receiver.seqs()).size).toBe(1); // the same event again, never the redirect's target
    const attempts = (await api('GET', `/webhooks/${hooks[2]!.id}/deliveries`)).json().items;
    expect(attempts[0]).toMatchObject({ status: 301, error: 'HTTP 301: thanks' });
    for (const { id } of hooks) await api('DELETE', `/webhooks/${id}`);
  });

  it('sends again from a seq on redeliver', async () => {
    const { receiver: hooks, url } = await receiver();
    const { id, cursor } = await createWebhook(url);
    const pet = await createPet(t);
    await renamePet(pet.id, 'Again');
    await until(() => hooks.requests.length >= 2, 5000, 'the first deliveries');
    const redelivered = await api('POST', `/webhooks/${id}/redeliver`, { since: cursor });
    expect(redelivered.statusCode).toBe(200);
    await until(() => hooks.requests.length >= 4, 5000, 'the deliveries again');
    const [first, second] = [hooks.seqs().slice(0, 2), hooks.seqs().slice(2, 4)];
    expect(second).toEqual(first);
    await api('DELETE', `/webhooks/${id}`);
  });

  it('signs with both secrets after a rotation, so a receiver holding either one verifies', async () => {
    const { receiver: hooks, url } = await receiver();
    const { id, secret: oldSecret } = await createWebhook(url);
    const rotated = await api('POST', `/webhooks/${id}/rotate-secret`);
    expect(rotated.statusCode).toBe(200);
    const newSecret = rotated.json().secret as string;
    expect(newSecret).not.toBe(oldSecret);
    await createPet(t);
    await until(() => hooks.requests.length >= 1, 5000, 'a delivery');
    const [request] = hooks.requests;
    expect(String(request?.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [oldSecret, newSecret]) {
      expect(
        new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>),
      ).toMatchObject({
        type: 'pet.created',
      });
    }
    expect(() =>
      new Webhook('whsec_' + Buffer.alloc(32, 7).toString('base64')).verify(
        request!.body,
        request!.headers as Record<string, string>,
      ),
    ).toThrow();
    await api('DELETE', `/webhooks/${id}`);
  });
});

/** An app of its own with short limits, a webhook on a fresh receiver, and a way to call it as admin. */
async function withOwnApp(
  env: Record<string, string>,
  test: (own: {
    app: TestApp;
    hooks: WebhookReceiver;
    id: number;
    as: (method: 'GET' | 'PATCH' | 'POST', path: string, body?: unknown) => ReturnType<TestApp['call']>;
  }) => Promise<void>,
) {
  const app = await startTestApp({
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    WEBHOOK_POLL_INTERVAL_MS: '50',
    ...env,
  });
  try {
    const token = await app.adminToken();
    const as = (method: 'GET' | 'PATCH' | 'POST', path: string, body?: unknown) =>
      app.call({ method, url: `/api/v1/webhooks${path}`, token, body });
    const { receiver: hooks, url } = await receiver();
    const { id } = (await as('POST', '', { url, topics: ['pets'] })).json();
    await test({ app, hooks, id, as });
  } finally {
    await app.close();
  }
}

describe('webhooks: giving up', () => {
  it('keeps the events a webhook still owes past EVENT_RETENTION', async () => {
    await withOwnApp(
      { EVENT_RETENTION: '100', EVENT_PRUNE_INTERVAL_MS: '1000' },
      async ({ app, hooks, id, as }) => {
        await as('PATCH', `/${id}`, { status: 'paused' });
        const pet = await createPet(app);
        const token = await app.adminToken();
        for (let index = 0; index < 150; index += 1) {
          await app.call({
            method: 'PATCH',
            url: `/api/v1/pets/${pet.id}`,
            token,
            body: { name: `Kept ${index}` },
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 1500)); // a pruning pass
        await as('PATCH', `/${id}`, { status: 'active' });
        await until(
          () => hooks.requests.length >= 151,
          10_000,
          () => `151 events, got ${hooks.requests.length}`,
        );
        const state = async () => (await as('GET', `/${id}`)).json();
        await until(async () => (await state()).backlog === 0, 5000, 'the last acknowledgement');
        expect(await state()).toMatchObject({ status: 'active', failure: null });
        expect(new Set(hooks.seqs()).size).toBe(151);
      },
    );
  });

  /** An app of its own, with a pet renamed `unowed` times and then a paused webhook (which owes none of those). */
  async function withPausedWebhook(
    unowed: number,
    body: (context: {
      app: TestApp;
      id: number;
      cursor: number;
      rename: (name: string) => Promise<unknown>;
      call: (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) => ReturnType<TestApp['call']>;
    }) => Promise<void>,
  ): Promise<void> {
    const own = await startTestApp({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' });
    try {
      const token = await own.adminToken();
      const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
        own.call({ method, url: `/api/v1${url}`, token, body: payload });
      const pet = await createPet(own);
      const rename = (name: string) => call('PATCH', `/pets/${pet.id}`, { name });
      for (let index = 0; index < unowed; index += 1) await rename(`Unowed ${index}`);
      const { url } = await receiver();
      const { id, cursor } = (await call('POST', '/webhooks', { url, topics: ['pets'] })).json();
      await call('PATCH', `/webhooks/${id}`, { status: 'paused' });
      await body({ app: own, id, cursor, rename, call });
    } finally {
      await own.close();
    }
  }

  // Regression: a pass once worked out how many events to keep, then read the newest seq again to delete; writes
  // committed in between moved the bound past events a paused webhook owed, and on resuming it turned
  // RESYNC_REQUIRED with nothing sent. The writes here commit after the pass read the newest seq.
  it('prunes nothing a webhook owes while writes commit during the pruning pass', async () => {
    await withPausedWebhook(10, async ({ app, cursor: owedFrom, rename }) => {
      const { feed, webhooks } = app.app.services;
      const { db } = app.app.database;
      for (let index = 0; index < 10; index += 1) await rename(`Owed ${index}`);
      const newestBefore = await feed.currentSeq(db);
      let during: Promise<unknown> = Promise.resolve();
      await pruneOnce(feed, db, { retention: 2, maxBacklog: 10_000 }, async (tx) => {
        const owed = await webhooks.holdOldestCursor(tx);
        during = (async () => {
          for (let index = 0; index < 10; index += 1) await rename(`During ${index}`);
        })();
        await new Promise((resolve) => setTimeout(resolve, 50));
        return owed;
      });
      await during;
      expect(await feed.currentSeq(db)).toBe(newestBefore + 10);
      expect(await feed.replayableFrom(db)).toBe(owedFrom);
    });
  });

  it('never answers 200 to a redeliver whose events a pruning pass deletes at the same time', async () => {
    await withPausedWebhook(10, async ({ app, id, cursor, call }) => {
      const { feed, webhooks } = app.app.services;
      const { db } = app.app.database;
      const newest = cursor;
      const since = newest - 5;
      let redelivered: ReturnType<typeof call> | undefined;
      await pruneOnce(feed, db, { retention: 2, maxBacklog: 10_000 }, async (tx) => {
        const owed = await webhooks.holdOldestCursor(tx);
        redelivered = call('POST', `/webhooks/${id}/redeliver`, { since });
        await new Promise((resolve) => setTimeout(resolve, 100));
        return owed;
      });
      const response = await (redelivered as ReturnType<typeof call>);
      expect(await feed.replayableFrom(db)).toBe(newest - 2);
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('WEBHOOK_SEQ_OUT_OF_RANGE');
      expect((await call('GET', `/webhooks/${id}`)).json()).toMatchObject({ cursor, status: 'paused' });
    });
  });

  it('turns failing with RETRY_EXHAUSTED after WEBHOOK_RETRY_FOR_MS, keeping its place', async () => {
    await withOwnApp(
      { WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_RETRY_FOR_MS: '400' },
      async ({ app, hooks, id, as }) => {
        hooks.answer = () => 500;
        await createPet(app);
        const state = async () => (await as('GET', `/${id}`)).json();
        await until(async () => (await state()).status === 'failing', 10_000, 'the webhook to give up');
        const given = await state();
        expect(given.failure).toBe('RETRY_EXHAUSTED');
        expect(given.backlog).toBeGreaterThan(0);
        hooks.answer = () => 200;
        await as('PATCH', `/${id}`, { status: 'active' });
        await until(() => hooks.seqs({ acknowledged: true }).length === 1, 5000, 'the event once resumed');
        expect(new Set(hooks.seqs()).size).toBe(1);
      },
    );
  });

  it('turns failing with RESYNC_REQUIRED past WEBHOOK_MAX_BACKLOG', async () => {
    await withOwnApp({ WEBHOOK_MAX_BACKLOG: '3' }, async ({ app, id, as }) => {
      await as('PATCH', `/${id}`, { status: 'paused' });
      for (let index = 0; index < 5; index += 1) await createPet(app);
      await as('PATCH', `/${id}`, { status: 'active' });
      const state = async () => (await as('GET', `/${id}`)).json();
      await until(async () => (await state()).status === 'failing', 5000, 'the webhook to need a resync');
      expect((await state()).failure).toBe('RESYNC_REQUIRED');
      const attempts = (await as('GET', `/${id}/deliveries`)).json();
      expect(attempts.items[0]).toMatchObject({ error: 'RESYNC_REQUIRED', status: null });
    });
  });
});
