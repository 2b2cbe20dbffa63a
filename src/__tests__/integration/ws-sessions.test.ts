import { RawSocket, type Frame } from '../helpers/raw-socket.js';
import { createPet, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let url: string;

beforeAll(async () => {
  t = await startTestApp({ JWT_EXPIRES_IN: '2s' });
  url = (await t.listen()).ws;
});
afterAll(() => t.close());

async function signedInSocket(token: string): Promise<RawSocket> {
  const socket = await RawSocket.open(url);
  await socket.request('authenticate', { token });
  await socket.request('subscribe', { topics: ['pets', 'orders'] });
  return socket;
}

const expired = (frame: Frame) => frame.event === 'session.expired';

describe('sessions on an open socket', () => {
  it('sends session.expired when the token expires, dropping only private subscriptions', async () => {
    const customer = await t.customer();
    const socket = await signedInSocket(customer.token);
    const notice = await socket.next(expired, 4000);
    expect(notice.payload).toEqual({ reason: 'expired', droppedTopics: ['orders'], seq: 0 });
    expect((await socket.request('users.me')).payload).toMatchObject({ code: 'UNAUTHENTICATED' });
    const pet = await createPet(t);
    expect((await socket.next((frame) => frame.event === 'pet.created')).payload).toMatchObject({
      id: pet.id,
    });
    socket.close();
  });

  it('re-authenticates in-band with a fresh token without reconnecting', async () => {
    const customer = await t.customer();
    const socket = await signedInSocket(customer.token);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const fresh = await t.login(customer.username, 'customer-password-1');
    expect((await socket.request('authenticate', { token: fresh })).status).toBe('success');
    await new Promise((resolve) => setTimeout(resolve, 1300));
    // The first token's expiry has passed; the new one keeps the session and the private subscription.
    expect(socket.frames.some(expired)).toBe(false);
    expect((await socket.request('users.me')).payload).toMatchObject({ username: customer.username });
    socket.close();
  });

  it('sends session.expired at once when the session is ended over REST by logout', async () => {
    const long = await startTestApp();
    try {
      const wsUrl = (await long.listen()).ws;
      const customer = await long.customer();
      const socket = await RawSocket.open(wsUrl);
      await socket.request('authenticate', { token: customer.token });
      await socket.request('subscribe', { topics: ['orders', 'inventory'] });
      await long.call({ method: 'POST', url: '/api/v1/auth/logout', token: customer.token });
      const notice = await socket.next(expired, 2000);
      expect(notice.payload).toEqual({
        reason: 'revoked',
        droppedTopics: ['orders'],
        seq: expect.any(Number),
      });
      expect((await socket.request('ping')).status).toBe('success');

      const other = await long.customer();
      const second = await RawSocket.open(wsUrl, { headers: { authorization: `Bearer ${other.token}` } });
      await long.call({
        method: 'DELETE',
        url: `/api/v1/users/${other.username}`,
        token: await long.adminToken(),
      });
      expect((await second.next(expired, 2000)).payload).toMatchObject({ reason: 'revoked' });
      socket.close();
      second.close();
    } finally {
      await long.close();
    }
  });
});
