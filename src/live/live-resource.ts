import type { z } from 'zod';
import type { Actor } from '../services/access.js';

/** One kind of change event: what it carries and what it means. */
export interface EventSpec {
  payload: z.ZodType;
  summary: string;
}

/**
 * The live side of a resource, declared once: its topic, its events and who may see them. Everything that
 * names topics or events (the WebSocket topic grammar, subscription rules, the AsyncAPI document, metric
 * labels, the live board) is derived from the list of these in `resources.ts`.
 */
export interface LiveResource {
  /** The collection topic; with `perItem`, also `<topic>:<id>` for one item (its events carry `payload.id`). */
  topic: string;
  perItem: boolean;
  events: Record<string, EventSpec>;
  /**
   * Who may see one of its events, or `public`. A restricted topic is held only by a signed-in caller, and a
   * per-item one only by a caller allowed to read that item (see `Subscriptions`).
   */
  visibility: 'public' | ((actor: Actor, payload: never) => boolean);
}

/** Declares a resource's live side, keeping its literal names and rules for the types derived from it. */
export function liveResource<const Resource extends LiveResource>(resource: Resource): Resource {
  return resource;
}
