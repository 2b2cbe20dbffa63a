import { connect } from 'node:net';
import { startSlowSignIn } from '../helpers/slow-request.js';
import { ADMIN, startTestApp } from '../helpers/test-app.js';

/** Keeps the event loop busy in slices of `sliceMs` for `totalMs`, as CPU-bound work would. */
function overload(totalMs: number, sliceMs: number): Promise<void> {
  const until = Date.now() + totalMs;
  return new Promise((resolve) => {
    const slice = () => {
      const end = Date.now() + sliceMs;
      while (Date.now() < end) {
        // busy: nothing else runs on this loop meanwhile
      }
      if (Date.now() < until) setImmediate(slice);
      else resolve();
    };
    setImmediate(slice);
  });
}

describe('load shedding', () => {
  it('answers 503 OVERLOADED with Retry-After while the event loop lags, then serves again', async () => {
    const t = await startTestApp({ LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '50' });
    try {
      expect((await t.call({ method: 'GET', url: '/api/v1/pets' })).statusCode).toBe(200);
      let busy = true;
      const overloaded = overload(3000, 200).then(() => (busy = false));
      let shed: Awaited<ReturnType<typeof t.call>> | undefined;
      let readyWhileBusy: number | undefined;
      let healthWhileBusy: number | undefined;
      while (busy) {
        const response = await t.call({ method: 'GET', url: '/api/v1/pets' });
        expect([200, 503]).toContain(response.statusCode);
        if (response.statusCode === 503 && !shed) {
          shed = response;
          readyWhileBusy = (await t.call({ method: 'GET', url: '/ready' })).statusCode;
          healthWhileBusy = (await t.call({ method: 'GET', url: '/health' })).statusCode;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      await overloaded;
      expect(shed?.statusCode).toBe(503);
      expect(shed?.json()).toMatchObject({ code: 'OVERLOADED', statusCode: 503 });
      expect(Number(shed?.headers['retry-after'])).toBeGreaterThan(0);
      expect(readyWhileBusy).toBe(503);
      expect(healthWhileBusy).toBe(200);

      const deadline = Date.now() + 5000;
      let status = 503;
      while (status !== 200 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        status = (await t.call({ method: 'GET', url: '/api/v1/pets' })).statusCode;
      }
      expect(status).toBe(200);
      expect((await t.call({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('draining', () => {
  it('finishes a request in flight when closing starts, and refuses what comes after with SHUTTING_DOWN', async () => {
    const t = await startTestApp();
    const { port } = await t.listen();
    // A sign-in whose body is still arriving when the app starts to close, and a request pipelined after it.
    const slow = startSlowSignIn(port, ADMIN);
    await new Promise((resolve) => setTimeout(resolve, 100));

    const closing = t.app.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(
      new Promise((resolve, reject) => connect(port, '127.0.0.1').on('connect', resolve).on('error', reject)),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    const received = await slow.finish('GET /ready HTTP/1.1\r\nHost: x\r\n\r\n');
    await closing;
    const [first, second] = received.split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/^HTTP\/1\.1 200/);
    expect(first).toContain('"token"');
    expect(second).toMatch(/^HTTP\/1\.1 503/);
    expect(second).toMatch(/connection: close/i);
    expect(second).toContain('"code":"SHUTTING_DOWN"');
    await t.close();
  });
});
