import fc from 'fast-check';
import { ActionPayloadSchemas } from '../../schemas/ws.js';
import { RawSocket, type Frame } from '../helpers/raw-socket.js';
import { createPet, startTestApp, type TestApp } from '../helpers/test-app.js';
import { until } from '../helpers/until.js';

/**
 * Hostile frames at the WebSocket door, as every role: random and truncated JSON, wrong types, huge numbers,
 * deep nesting, odd Unicode, binary frames, unknown fields, real actions with garbage payloads. Every frame
 * gets exactly one answer, none of them a 5xx, the connection stays open, and the node stays healthy.
 * FUZZ_SEED replays a run (the seed is printed).
 */
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const FRAMES_PER_ROLE = 1700;

let t: TestApp;
let url: string;
const tokens: Record<string, string | undefined> = { anonymous: undefined };
let petId: number;

beforeAll(async () => {
  t = await startTestApp({ WS_MESSAGES_PER_MINUTE: '10000000', WS_MESSAGE_BURST: '100000' });
  url = (await t.listen()).ws;
  tokens.admin = await t.adminToken();
  tokens.customer = (await t.customer('fuzz')).token;
  petId = (await createPet(t)).id;
});
afterAll(() => t.close());

const ACTIONS = Object.keys(ActionPayloadSchemas);
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const oddText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\ud800', '\udfff', '\u0000', '\u202e', '\ufeff', '🐶'.repeat(200), 'x'.repeat(5_000)),
);
const oddNumber = fc.oneof(
  fc.double(),
  fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, -0, 2147483648, -2147483649, 0.1, 1e-300),
);
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  oddText,
  oddNumber,
  fc.constant(null),
);
/** A frame that is a request in form, its fields possibly garbage, possibly with fields of its own. */
const loose = (action: fc.Arbitrary<unknown>, payload: fc.Arbitrary<unknown>) =>
  fc.record(
    {
      type: fc.oneof(fc.constant('request'), oddValue),
      correlationId: fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), oddValue),
      timestamp: fc.oneof(fc.nat(), oddValue),
      action,
      payload,
      extra: oddValue,
    },
    { requiredKeys: ['type', 'correlationId', 'timestamp', 'action'] },
  );
/** A well-formed request for a real action: what reaches the actions and services. */
const wellFormed = (payload: fc.Arbitrary<unknown>) =>
  fc.record({
    type: fc.constant('request'),
    correlationId: fc.string({ minLength: 1, maxLength: 20 }),
    timestamp: fc.nat(),
    action: fc.constantFrom(...ACTIONS),
    payload,
  });
const topic = fc.constantFrom('pets', 'pets:1', 'inventory', 'orders', 'orders:1', 'pets:0', 'orders:x', '');
const smallId = fc.oneof(fc.integer({ min: 1, max: 5 }), oddValue);
/** Payloads close to valid ones, a field or two off, so the services see them too. */
const plausiblePayload = fc.oneof(
  fc.record(
    { id: smallId, expectedVersion: fc.oneof(fc.integer({ min: 1, max: 3 }), oddValue) },
    { requiredKeys: ['id'] },
  ),
  fc.record(
    {
      topics: fc.array(topic, { minLength: 1, maxLength: 4 }),
      since: fc.oneof(fc.nat(50), oddNumber),
      epoch: oddText,
    },
    { requiredKeys: ['topics'] },
  ),
  fc.record(
    {
      limit: fc.oneof(fc.integer({ min: 0, max: 200 }), oddValue),
      status: fc.oneof(fc.constantFrom('available', 'sold', 'lost'), oddValue),
      cursor: oddText,
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      name: oddText,
      status: fc.oneof(fc.constantFrom('available', 'pending'), oddValue),
      tags: fc.array(fc.record({ name: oddText })),
      category: fc.oneof(fc.record({ name: oddText }), oddValue),
    },
    { requiredKeys: ['name'] },
  ),
  fc.record({
    id: smallId,
    patch: fc.dictionary(fc.constantFrom('name', 'status', 'tags', 'photoUrls', 'colour'), oddValue),
  }),
  fc.record(
    { petId: smallId, quantity: fc.oneof(fc.integer({ min: -1, max: 3 }), oddNumber), shipDate: oddText },
    { requiredKeys: ['petId'] },
  ),
  fc.record({ id: smallId, status: fc.oneof(fc.constantFrom('approved', 'delivered', 'placed'), oddValue) }),
  fc.record({ token: oddText }),
  fc.dictionary(fc.string({ maxLength: 10 }), oddValue, { maxKeys: 5 }),
  oddValue,
);

/** One frame: text (JSON or not) or binary bytes. */
const hostileFrame: fc.Arbitrary<{ text: string } | { binary: Uint8Array }> = fc.oneof(
  { weight: 8, arbitrary: wellFormed(plausiblePayload).map((frame) => ({ text: JSON.stringify(frame) })) },
  {
    weight: 2,
    arbitrary: loose(fc.oneof(fc.constantFrom(...ACTIONS), oddText, oddValue), oddValue).map((frame) => ({
      text: JSON.stringify(frame),
    })),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(wellFormed(plausiblePayload), fc.nat()).map(([frame, cut]) => {
      const text = JSON.stringify(frame);
      return { text: text.slice(0, cut % Math.max(1, text.length)) };
    }),
  },
  { weight: 1, arbitrary: oddValue.map((value) => ({ text: JSON.stringify(value) ?? 'undefined' })) },
  { weight: 1, arbitrary: oddText.map((text) => ({ text })) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 100, max: 20_000 }).map((depth) => ({
      text: `{"type":"request","correlationId":"deep","timestamp":0,"action":"pets.get","payload":${nested(depth)}}`,
    })),
  },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 20_000 }).map((depth) => ({ text: nested(depth) })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((binary) => ({ binary })) },
);

describe.each(['anonymous', 'customer', 'admin'])('hostile frames as %s', (role) => {
  it(`answers ${FRAMES_PER_ROLE} of them, none with a 5xx, and stays open and healthy`, async () => {
    process.stdout.write(`ws fuzz as ${role}: FUZZ_SEED=${SEED}\n`);
    const token = tokens[role];
    const socket = await RawSocket.open(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    const frames = fc.sample(hostileFrame, { numRuns: FRAMES_PER_ROLE, seed: SEED });
    const answers = () => socket.frames.filter((frame) => frame.type === 'response');
    for (const [index, frame] of frames.entries()) {
      if ('binary' in frame) socket.ws.send(frame.binary, { binary: true });
      else socket.ws.send(frame.text);
      // Now and then wait for the answers so far, so a failure points near the frame that caused it.
      if (index % 100 === 99) await until(() => answers().length === index + 1, 20_000, 'the answers so far');
    }
    await until(() => answers().length === frames.length, 20_000, 'every answer');

    const failures = answers().filter(
      (frame) => (frame.payload as { statusCode?: number }).statusCode! >= 500,
    );
    expect(failures).toEqual([]);
    expect(answers().every((frame: Frame) => frame.status === 'success' || frame.status === 'error')).toBe(
      true,
    );
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
    expect((await socket.request('ping')).status).toBe('success');
    socket.close();

    const health = await t.call({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    expect((await t.call({ method: 'GET', url: `/api/v1/pets/${petId}` })).statusCode).toBeLessThan(500);
  });
});
