import { readdir, readFile } from 'node:fs/promises';
import { RawSocket } from '../helpers/raw-socket.js';
import { ADMIN, createPet, startTestApp, type TestApp } from '../helpers/test-app.js';
import { until } from '../helpers/until.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

/** Metric names used in PromQL: every metric is written with a selector, `name{…}`. */
function metricNames(promql: string): string[] {
  return [...promql.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((match) => match[1] as string);
}

/** Every metric the dashboards and alert rules query. `up` is Prometheus's own, not the service's. */
async function metricsInUse(): Promise<Map<string, string>> {
  const used = new Map<string, string>();
  for (const name of metricNames(await readFile('prometheus/alerts.yml', 'utf8')))
    used.set(name, 'alerts.yml');
  for (const file of await readdir('grafana/dashboards')) {
    const dashboard = JSON.parse(await readFile(`grafana/dashboards/${file}`, 'utf8')) as {
      panels: Array<{ targets: Array<{ expr: string }> }>;
    };
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) for (const name of metricNames(target.expr)) used.set(name, file);
    }
  }
  used.delete('up');
  return used;
}

function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const lines = text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`)));
  return lines.length === 0 ? undefined : lines.reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({
    RATE_LIMIT_MAX: '60',
    NODE_ID: 'scraped-node',
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
  });
});
const receiver = new WebhookReceiver();
afterAll(async () => {
  await t.close();
  await receiver.close();
});

describe('GET /metrics after real traffic', () => {
  it('exports every metric the dashboards and alerts use, counting what happened', async () => {
    const { ws } = await t.listen();
    // A webhook, told of the pets created below.
    const url = await receiver.start();
    const token = await t.adminToken();
    await t.call({ method: 'POST', url: '/api/v1/webhooks', token, body: { url, topics: ['pets'] } });
    // REST, sign-ins (one failed), a refresh, a refused token.
    await createPet(t, { name: 'Scraped' });
    await t.call({ method: 'GET', url: '/api/v1/pets/424242' });
    await t.call({
      method: 'POST',
      url: '/api/v1/auth/login',
      body: { ...ADMIN, password: 'wrong-password' },
    });
    const pair = (await t.call({ method: 'POST', url: '/api/v1/auth/login', body: ADMIN })).json();
    await t.call({ method: 'POST', url: '/api/v1/auth/refresh', body: { refreshToken: pair.refreshToken } });
    await t.call({ method: 'GET', url: '/api/v1/users/me', token: 'not.a.token' });

    // WebSocket: a subscriber that receives an event, bad frames, an unknown action, and a close.
    const socket = await RawSocket.open(ws);
    await socket.request('ping');
    await socket.request('subscribe', { topics: ['pets'] });
    socket.send('this is not json');
    socket.send({ type: 'request' });
    await socket.request('pets.fly', {});
    await createPet(t, { name: 'Delivered' });
    await socket.next((frame) => frame.event === 'pet.created');
    socket.close();
    await socket.closed;

    await until(() => receiver.requests.length >= 2, 5000, 'both pets at the webhook');

    // Until the global limit answers 429.
    let status = 200;
    for (let index = 0; index < 100 && status !== 429; index += 1) {
      status = (await t.call({ method: 'GET', url: '/api/v1/pets?limit=1' })).statusCode;
    }
    expect(status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 50));

    const response = await t.call({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    const text = response.body;
    const missing = [...(await metricsInUse())].filter(([name]) => sample(text, name) === undefined);
    expect(missing).toEqual([]);

    expect(sample(text, 'auth_attempts_total', { kind: 'login', result: 'failure' })).toBe(1);
    expect(sample(text, 'auth_attempts_total', { kind: 'login', result: 'success' })).toBeGreaterThanOrEqual(
      2,
    );
    expect(sample(text, 'auth_attempts_total', { kind: 'refresh', result: 'success' })).toBe(1);
    expect(sample(text, 'auth_token_rejections_total', { code: 'TOKEN_INVALID' })).toBe(1);
    expect(sample(text, 'rate_limit_hits_total', { scope: 'global' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'ws_invalid_messages_total', { reason: 'not_json' })).toBe(1);
    expect(sample(text, 'ws_invalid_messages_total', { reason: 'bad_frame' })).toBe(1);
    expect(sample(text, 'ws_invalid_messages_total', { reason: 'unknown_action' })).toBe(1);
    expect(sample(text, 'ws_messages_total', { direction: 'in', action: 'ping' })).toBe(1);
    expect(sample(text, 'ws_messages_total', { direction: 'out', action: 'unknown', status: 'error' })).toBe(
      1,
    );
    expect(sample(text, 'ws_connections_total')).toBe(1);
    expect(sample(text, 'ws_disconnections_total', { code: '1005' })).toBe(1);
    expect(sample(text, 'change_events_appended_total', { topic: 'pets' })).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'change_events_delivered_total', { topic: 'pets' })).toBe(1);
    expect(sample(text, 'change_event_delivery_delay_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'auth_sessions_active')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'webhook_attempts_total', { outcome: 'success' })).toBe(2);
    expect(sample(text, 'webhook_delivery_latency_seconds_count')).toBe(2);
    expect(sample(text, 'webhooks', { status: 'active' })).toBe(1);
    expect(sample(text, 'webhook_backlog_events')).toBeGreaterThanOrEqual(0);
    // Every series names its node; no label carries an id or a username.
    expect(text).toMatch(/http_requests_total\{[^}]*node="scraped-node"/);
    expect(text).not.toContain('424242');
    expect(text).not.toContain(ADMIN.username);
  });
});
