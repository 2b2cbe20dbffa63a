import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { authRoutes } from './auth.js';
import { categoriesRoutes } from './categories.js';
import { clusterRoutes } from './cluster.js';
import { petsRoutes } from './pets.js';
import { storeRoutes } from './store.js';
import { usersRoutes } from './users.js';
import { webhooksRoutes } from './webhooks.js';

interface RouteGroup {
  /** The OpenAPI tag its operations carry. */
  tag: { name: string; description: string };
  routes: FastifyPluginAsyncZod;
}

/** The route groups under /api/v1: a group is served (app.ts) and its tag documented (OpenAPI) by being listed. */
export const API_ROUTES: RouteGroup[] = [
  { tag: { name: 'pets', description: 'Everything about the pets' }, routes: petsRoutes },
  {
    tag: { name: 'categories', description: 'The categories pets are sorted into' },
    routes: categoriesRoutes,
  },
  { tag: { name: 'store', description: 'Inventory and orders' }, routes: storeRoutes },
  { tag: { name: 'users', description: 'Accounts' }, routes: usersRoutes },
  { tag: { name: 'auth', description: 'Signing in and out' }, routes: authRoutes },
  {
    tag: { name: 'webhooks', description: 'The change feed, delivered to HTTP endpoints (admin)' },
    routes: webhooksRoutes,
  },
  {
    tag: { name: 'operations', description: 'Health, readiness and the nodes of the cluster' },
    routes: clusterRoutes,
  },
];
