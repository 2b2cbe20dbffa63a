import type { z } from 'zod';
import type { Actor } from '../services/access.js';
import { categoriesLive } from './categories.js';
import { inventoryLive } from './inventory.js';
import type { EventSpec, LiveResource } from './live-resource.js';
import { ordersLive } from './orders.js';
import { petsLive } from './pets.js';

/** Every resource with a live side. A resource joins the WebSocket API, AsyncAPI and the board by being listed. */
export const LIVE_RESOURCES = [petsLive, ordersLive, inventoryLive, categoriesLive] as const;

type Resource = (typeof LIVE_RESOURCES)[number];
type DraftsOf<R extends LiveResource> = R extends unknown
  ? {
      [Type in keyof R['events'] & string]: {
        topic: R['topic'];
        type: Type;
        payload: z.output<R['events'][Type]['payload']>;
      };
    }[keyof R['events'] & string]
  : never;

/** What a service records about a change; the feed gives it a `seq` when it commits. */
export type EventDraft = DraftsOf<Resource>;
export type ChangeEvent = EventDraft & { seq: number; createdAt: string };
export type EventType = EventDraft['type'];
export type PayloadOf<Type extends EventType> = Extract<EventDraft, { type: Type }>['payload'];
/** Resources whose events not everyone may see. */
export type RestrictedTopic = Exclude<Resource, { visibility: 'public' }>['topic'];

const byTopic = new Map<string, LiveResource>(LIVE_RESOURCES.map((resource) => [resource.topic, resource]));

/**
 * The topics an event is published on: its collection, and its item's where the resource has them. An event of a
 * topic this version does not declare (written by a newer node during a rolling upgrade) has no subscribers here.
 */
export function topicsOf(event: ChangeEvent): string[] {
  const resource = byTopic.get(event.topic);
  if (!resource) return [];
  return resource.perItem
    ? [event.topic, `${event.topic}:${(event.payload as { id: number }).id}`]
    : [event.topic];
}

/** Who may see an event: undefined when everyone may. */
export type Audience = ((actor: Actor) => boolean) | undefined;

/** The event's audience, asked once per event, then of each subscriber. */
export function audienceOf(event: ChangeEvent): Audience {
  const visibility = byTopic.get(event.topic)?.visibility ?? 'public';
  if (visibility === 'public') return undefined;
  return (actor) => visibility(actor, event.payload as never);
}

/** Whether this caller may see this event; never one of a topic this version does not declare. */
export function canSee(actor: Actor, event: ChangeEvent): boolean {
  return byTopic.has(event.topic) && (audienceOf(event)?.(actor) ?? true);
}

/** Topics whose events not everyone may see: held only by a signed-in caller, dropped when the session ends. */
export function isRestrictedTopic(topic: string): boolean {
  const resource = byTopic.get(topic.split(':')[0] as string);
  return resource !== undefined && resource.visibility !== 'public';
}

/** The item id of a per-item topic (`orders:7` → 7), or undefined for a collection topic. */
export function itemOf(topic: string): number | undefined {
  const [, id] = topic.split(':');
  return id === undefined ? undefined : Number(id);
}

const itemTopics = LIVE_RESOURCES.filter((resource) => resource.perItem).map((resource) => resource.topic);

/** The topic grammar: every collection topic, and `<topic>:<id>` for the resources that have items. */
export const TOPIC_PATTERN = new RegExp(
  `^(${LIVE_RESOURCES.map((resource) => resource.topic).join('|')})$|^(${itemTopics.join('|')}):[1-9]\\d{0,9}$`,
);
export const TOPIC_NAMES = LIVE_RESOURCES.flatMap((resource) =>
  resource.perItem ? [resource.topic, `${resource.topic}:<id>`] : [resource.topic],
);

/** Every event type with what it carries and the topics it is published on. */
export const EVENT_SPECS = Object.fromEntries(
  LIVE_RESOURCES.flatMap((resource) =>
    Object.entries(resource.events).map(([type, spec]: [string, EventSpec]) => [
      type,
      { ...spec, topics: resource.perItem ? `${resource.topic}, ${resource.topic}:<id>` : resource.topic },
    ]),
  ),
) as Record<EventType, EventSpec & { topics: string }>;
