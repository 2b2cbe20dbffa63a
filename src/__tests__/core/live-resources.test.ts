import {
  audienceOf,
  canSee,
  isRestrictedTopic,
  TOPIC_PATTERN,
  topicsOf,
  type ChangeEvent,
} from '../../live/resources.js';
import type { Principal } from '../../services/access.js';

const principal = (userId: number, role: Principal['role']): Principal => ({
  userId,
  username: `u${userId}`,
  role,
  sessionId: `s${userId}`,
  expiresAt: Date.now() + 60_000,
});
const event = (topic: string, payload: Record<string, unknown>) =>
  ({ topic, type: `${topic}.x`, payload, seq: 1, createdAt: '' }) as unknown as ChangeEvent;

describe('what the resource declarations give', () => {
  it('a topic grammar of every declared topic, and item topics only where a resource has items', () => {
    for (const topic of ['pets', 'pets:7', 'orders', 'orders:7', 'inventory', 'categories', 'categories:7']) {
      expect(TOPIC_PATTERN.test(topic)).toBe(true);
    }
    for (const topic of ['inventory:7', 'pets:0', 'pets:x', 'users', 'pet', 'pets:1:2', ' pets']) {
      expect(TOPIC_PATTERN.test(topic)).toBe(false);
    }
  });

  it('the topics of an event, and none for a topic this version does not declare', () => {
    expect(topicsOf(event('categories', { id: 3 }))).toEqual(['categories', 'categories:3']);
    expect(topicsOf(event('inventory', { available: 1 }))).toEqual(['inventory']);
    expect(topicsOf(event('webhooks', { id: 3 }))).toEqual([]);
    expect(canSee(principal(1, 'admin'), event('webhooks', { id: 3 }))).toBe(false);
  });

  it('an order event for its owner and admins only; a pet event for everyone', () => {
    const order = event('orders', { id: 5, userId: 1 });
    const audience = audienceOf(order);
    expect(
      [principal(1, 'customer'), principal(2, 'customer'), principal(9, 'admin'), null].map(audience!),
    ).toEqual([true, false, true, false]);
    expect(audienceOf(event('pets', { id: 1 }))).toBeUndefined();
    expect(canSee(null, event('pets', { id: 1 }))).toBe(true);
    expect([isRestrictedTopic('orders:5'), isRestrictedTopic('orders'), isRestrictedTopic('pets')]).toEqual([
      true,
      true,
      false,
    ]);
  });
});
