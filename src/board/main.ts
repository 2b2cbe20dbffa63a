/**
 * The live board: loads the pets and the inventory over REST, subscribes from the seq they reflect through
 * the typed client, and applies every change as it arrives. No polling, no reload.
 */
import { PetstoreClient, type ChangeNotification, type ConnectionState } from '../client/index.js';
import { Api, ApiError } from './api.js';
import {
  BoardState,
  type Category,
  type Inventory,
  type Order,
  type Pet,
  type WebhookSummary,
} from './board-state.js';
import { render, showConnection, showMessage, type Viewer } from './view.js';

const api = new Api();
const state = new BoardState();
const viewer: Viewer = { role: null, username: null, categoryId: undefined };
const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
const client = new PetstoreClient({ url: wsUrl, token: () => api.token });

const handlers = {
  order: (pet: Pet) =>
    act(async () => {
      const order = await api.write<Order>('POST', '/store/order', { petId: pet.id });
      state.apply({ event: 'order.placed', payload: order });
      showMessage(`Order #${order.id} placed for ${pet.name}`);
    }),
  changeStatus: (pet: Pet, status: Pet['status']) =>
    act(async () => {
      await api.write<Pet>('PATCH', `/pets/${pet.id}`, { status });
      showMessage(`${pet.name} is now ${status}`);
    }),
};

const redraw = () => render(state, viewer, handlers);

async function act(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    showMessage(error instanceof ApiError ? error.message : String(error), 'error');
  }
  redraw();
}

/** Changes that arrive while a reload is in flight wait for it, then apply on top (older versions are ignored). */
let arrivedDuringReload: ChangeNotification[] | undefined;

function onChange(notification: ChangeNotification): void {
  if (arrivedDuringReload) arrivedDuringReload.push(notification);
  else if (state.apply(notification)) redraw();
  if (viewer.role === 'admin') refreshWebhooksSoon();
}

/** How long the admin view waits after a change before reading the webhooks' state again (one read per burst). */
const WEBHOOK_REFRESH_MS = 1000;
let webhookRefresh: ReturnType<typeof setTimeout> | undefined;

function refreshWebhooksSoon(): void {
  webhookRefresh ??= setTimeout(() => {
    webhookRefresh = undefined;
    void loadWebhooks().catch(() => undefined);
  }, WEBHOOK_REFRESH_MS);
}

async function loadWebhooks(): Promise<void> {
  if (viewer.role !== 'admin') return;
  state.webhooks = (await api.all<WebhookSummary>('/webhooks')).items;
  redraw();
}

/** After RESYNC_REQUIRED the client is subscribed from now on; the snapshot is read again under it. */
async function reload(): Promise<void> {
  arrivedDuringReload ??= [];
  try {
    await Promise.all([loadSnapshot(), viewer.username ? loadOrders() : undefined]);
  } finally {
    const arrived = arrivedDuringReload;
    arrivedDuringReload = undefined;
    for (const notification of arrived) state.apply(notification);
    redraw();
  }
}

/** The snapshot over REST; returns the seq to subscribe from. */
async function loadSnapshot(): Promise<number> {
  const [pets, inventory, categories] = await Promise.all([
    api.all<Pet>('/pets'),
    api.get<Inventory>('/store/inventory'),
    api.all<Category>('/categories'),
  ]);
  state.load(pets.items, inventory.body, categories.items);
  redraw();
  return Math.min(pets.seq, inventory.seq, categories.seq);
}

async function loadOrders(): Promise<number> {
  const orders = await api.all<Order>('/store/orders');
  state.loadOrders(orders.items);
  redraw();
  return orders.seq;
}

async function signIn(username: string, password: string): Promise<void> {
  const pair = await api.write<{ token: string }>('POST', '/auth/login', { username, password });
  api.token = pair.token;
  const me = await api.get<{ username: string; role: 'admin' | 'customer' }>('/users/me');
  viewer.role = me.body.role;
  viewer.username = me.body.username;
  await client.request('authenticate', { token: pair.token });
  const since = await loadOrders();
  await client.subscribe(['orders'], onChange, { since });
  await loadWebhooks();
  showMessage(`Welcome, ${me.body.username}`);
}

function wireForms(): void {
  const signInForm = document.getElementById('sign-in') as HTMLFormElement;
  signInForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(signInForm);
    void act(() => signIn(String(data.get('username')), String(data.get('password'))));
  });
  const addPet = document.getElementById('add-pet') as HTMLFormElement;
  addPet.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = String(new FormData(addPet).get('name')).trim();
    void act(async () => {
      const pet = await api.write<Pet>('POST', '/pets', { name });
      addPet.reset();
      showMessage(`${pet.name} added`);
    });
  });
  const categoryFilter = document.getElementById('category-filter') as HTMLSelectElement;
  categoryFilter.addEventListener('change', () => {
    viewer.categoryId = categoryFilter.value === '' ? undefined : Number(categoryFilter.value);
    redraw();
  });
  document.getElementById('sign-out')?.addEventListener('click', () =>
    act(async () => {
      await api.write('POST', '/auth/logout').catch(() => undefined);
      api.token = undefined;
      viewer.role = null;
      viewer.username = null;
      state.loadOrders([]);
      state.webhooks = [];
      showMessage('Signed out');
    }),
  );
}

async function start(): Promise<void> {
  wireForms();
  client.on('state', (value) => showConnection(value as ConnectionState));
  client.on('resync', () => void reload().catch((error) => showMessage(String(error), 'error')));
  showConnection('connecting');
  const since = await loadSnapshot();
  await client.connect();
  await client.subscribe(['pets', 'inventory', 'categories'], onChange, { since });
}

start().catch((error) => showMessage(`Could not start: ${error}`, 'error'));
