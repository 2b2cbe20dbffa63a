import type { Generated, Insertable, Selectable } from 'kysely';

/** Row shapes as the application sees them (snake_case columns become camelCase via CamelCasePlugin). */
export interface UsersTable {
  id: Generated<number>;
  username: string;
  passwordHash: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  userStatus: number;
  role: 'admin' | 'customer';
  createdAt: string;
}

export interface SessionsTable {
  id: string;
  userId: number;
  refreshTokenHash: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

export interface NamedTable {
  id: Generated<number>;
  name: string;
}

export interface PetsTable {
  id: Generated<number>;
  name: string;
  /** The name folded for the `name` filter (`nameKey`). */
  nameKey: string;
  categoryId: number | null;
  photoUrls: string;
  status: 'available' | 'pending' | 'sold';
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface PetTagsTable {
  petId: number;
  tagId: number;
  position: number;
}

export interface PetImagesTable {
  id: Generated<number>;
  petId: number;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  createdAt: string;
}

export interface OrdersTable {
  id: Generated<number>;
  petId: number;
  userId: number;
  quantity: number;
  shipDate: string | null;
  status: 'placed' | 'approved' | 'delivered';
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface ChangeEventsTable {
  seq: number;
  topic: string;
  type: string;
  payload: string;
  createdAt: string;
}

export interface EventCounterTable {
  id: number;
  lastSeq: number;
  /** Names this event log; set by the migration that added it, renewed after a restore. */
  epoch: string | null;
}

export interface WebhooksTable {
  id: Generated<number>;
  url: string;
  /** JSON array of topics. */
  topics: string;
  description: string | null;
  status: 'active' | 'paused' | 'failing' | 'disabled';
  secret: string;
  previousSecret: string | null;
  previousSecretUntil: string | null;
  /** The last seq the receiver acknowledged (or that matched none of its topics). */
  cursor: number;
  /** Attempts made at the event after `cursor`. */
  attempt: number;
  failingSince: string | null;
  nextAttemptAt: string | null;
  failure: string | null;
  leaseOwner: string | null;
  leaseUntil: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  webhookId: number;
  seq: number;
  attempt: number;
  status: number | null;
  durationMs: number;
  error: string | null;
  at: string;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  categories: NamedTable;
  tags: NamedTable;
  pets: PetsTable;
  petTags: PetTagsTable;
  petImages: PetImagesTable;
  orders: OrdersTable;
  changeEvents: ChangeEventsTable;
  eventCounter: EventCounterTable;
  webhooks: WebhooksTable;
  webhookDeliveries: WebhookDeliveriesTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type PetRow = Selectable<PetsTable>;
export type OrderRow = Selectable<OrdersTable>;
export type PetImageRow = Selectable<PetImagesTable>;
