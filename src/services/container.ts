import type { RedisBreaker } from '../cluster/redis-breaker.js';
import { RedisFailureStore } from '../cluster/redis-failure-store.js';
import type { NodeInfo } from '../cluster/node-registry.js';
import type { Config } from '../config.js';
import type { DatabaseHandle } from '../db/database.js';
import type { ServiceMetrics } from '../metrics/service-metrics.js';
import { ChangeFeed } from '../events/change-feed.js';
import { SessionRevocations } from '../events/session-revocations.js';
import { CategoriesRepository } from '../repositories/categories-repository.js';
import { ImagesRepository } from '../repositories/images-repository.js';
import { OrdersRepository } from '../repositories/orders-repository.js';
import { PetsRepository } from '../repositories/pets-repository.js';
import { SessionsRepository } from '../repositories/sessions-repository.js';
import { UsersRepository } from '../repositories/users-repository.js';
import { WebhooksRepository } from '../repositories/webhooks-repository.js';
import { WebhookDeliveryLoop, type DispatchLog } from '../webhooks/delivery-loop.js';
import { WebhookDispatcher } from '../webhooks/dispatcher.js';
import { WebhookSender } from '../webhooks/sender.js';
import { WebhookUrlGuard } from '../webhooks/url-guard.js';
import { AuthService, type TokenSigner } from './auth-service.js';
import { CatalogReads } from './catalog-reads.js';
import { CategoriesService } from './categories-service.js';
import { ImageStore } from './image-store.js';
import { LoginThrottle, MemoryFailureStore } from './login-throttle.js';
import { OperationsService } from './operations-service.js';
import { OrdersService } from './orders-service.js';
import { PetsService } from './pets-service.js';
import { Transactor } from './transactor.js';
import { UsersService } from './users-service.js';
import { WebhooksService } from './webhooks-service.js';

export interface Services {
  feed: ChangeFeed;
  /** Units of work and the reads' freshness (`X-Min-Event-Seq`). */
  transactor: Transactor;
  revocations: SessionRevocations;
  /** The reads of pets and the inventory, answered from this node's in-memory catalog. */
  catalog: CatalogReads;
  pets: PetsService;
  categories: CategoriesService;
  orders: OrdersService;
  users: UsersService;
  auth: AuthService;
  operations: OperationsService;
  webhooks: WebhooksService;
  /** Sends the change feed to webhooks; started by plugins/webhooks.ts. */
  webhookDispatcher: WebhookDispatcher;
}

/** Wires repositories into services; both doors (REST and WebSocket) use the same instances. */
export function createServices(
  database: DatabaseHandle,
  config: Config,
  signer: TokenSigner,
  redis: RedisBreaker | undefined,
  metrics: ServiceMetrics,
  liveNodes: () => Promise<NodeInfo[]>,
  onCatalogOverCap: (pets: number, maxPets: number) => void,
  log: DispatchLog,
): Services {
  const feed = new ChangeFeed();
  const revocations = new SessionRevocations();
  const transactor = new Transactor(database.db, feed, (seconds) => metrics.eventCounterHeld(seconds));
  const petsRepository = new PetsRepository(database.engine);
  const categoriesRepository = new CategoriesRepository();
  const ordersRepository = new OrdersRepository(database.engine);
  const usersRepository = new UsersRepository();
  const sessionsRepository = new SessionsRepository();

  const pets = new PetsService(
    transactor,
    petsRepository,
    categoriesRepository,
    ordersRepository,
    new ImagesRepository(),
    new ImageStore(config.dataDir),
  );
  const catalog = new CatalogReads(
    transactor,
    petsRepository,
    feed.reader(database.db),
    config.catalog,
    onCatalogOverCap,
  );
  const categories = new CategoriesService(transactor, categoriesRepository, petsRepository);
  const orders = new OrdersService(transactor, ordersRepository, petsRepository, pets);
  const users = new UsersService(transactor, usersRepository, sessionsRepository, orders, revocations);
  const settings = {
    accessTokenSeconds: config.jwt.expiresInSeconds,
    refreshTokenSeconds: config.refreshTokenExpiresInSeconds,
  };
  const throttle = new LoginThrottle(
    config.loginThrottle,
    redis && config.redis
      ? new RedisFailureStore(redis, `${config.redis.keyPrefix}login-failures:`)
      : new MemoryFailureStore(),
  );
  const auth = new AuthService(
    transactor,
    usersRepository,
    sessionsRepository,
    signer,
    settings,
    revocations,
    throttle,
    (attempt) => {
      metrics.authAttempt(attempt);
      if (attempt.result === 'locked') metrics.rateLimited('login');
    },
  );
  const webhooksRepository = new WebhooksRepository(database.engine);
  const guard = new WebhookUrlGuard(config.webhooks.allowedHosts);
  const deliveryLoop = new WebhookDeliveryLoop(
    database.db,
    feed,
    webhooksRepository,
    new WebhookSender(guard, config.webhooks.timeoutMs, config.webhooks.concurrency),
    { nodeId: config.nodeId, ...config.webhooks },
    metrics.webhooks,
    log,
  );
  const webhookDispatcher = new WebhookDispatcher(deliveryLoop, config.webhooks, log);
  const webhooks = new WebhooksService(
    transactor,
    feed,
    webhooksRepository,
    guard,
    config.webhooks.secretGraceMs,
    () => webhookDispatcher.webhooksChanged(),
  );
  return {
    feed,
    transactor,
    revocations,
    catalog,
    pets,
    categories,
    orders,
    users,
    auth,
    operations: new OperationsService(liveNodes),
    webhooks,
    webhookDispatcher,
  };
}
