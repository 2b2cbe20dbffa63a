/** Renders the board state into the page; the markup is in public/index.html. */
import type { ConnectionState } from '../client/index.js';
import { PET_STATUSES, type BoardState, type Pet } from './board-state.js';

export interface Viewer {
  role: 'admin' | 'customer' | null;
  username: string | null;
  /** The category whose pets are shown, or every pet. */
  categoryId: number | undefined;
}

export interface Handlers {
  order(pet: Pet): void;
  changeStatus(pet: Pet, status: Pet['status']): void;
}

const STATE_LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
  resyncing: 'Resyncing…',
  closed: 'Offline',
};

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function byId(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from the page`);
  return node;
}

export function showConnection(state: ConnectionState): void {
  const indicator = byId('connection');
  indicator.dataset.state = state;
  indicator.textContent = STATE_LABELS[state];
}

export function showMessage(text: string, kind: 'info' | 'error' = 'info'): void {
  const message = byId('message');
  message.dataset.kind = kind;
  message.textContent = text;
}

function petCard(pet: Pet, viewer: Viewer, handlers: Handlers): HTMLLIElement {
  const item = element('li', { 'data-pet-id': String(pet.id) });
  const card = element('article', { class: 'card', 'aria-labelledby': `pet-${pet.id}-name` });
  const photo = pet.photoUrls[0];
  card.append(
    photo
      ? element('img', { src: photo, alt: `Photo of ${pet.name}`, loading: 'lazy' })
      : element('div', { class: 'placeholder', 'aria-hidden': 'true' }, pet.name.slice(0, 1).toUpperCase()),
  );
  const body = element('div', { class: 'card-body' });
  body.append(element('h3', { id: `pet-${pet.id}-name` }, pet.name));
  body.append(element('p', { class: 'meta' }, `#${pet.id}${pet.category ? ` · ${pet.category.name}` : ''}`));
  if (viewer.role === 'customer' && pet.status === 'available') {
    const order = element('button', { type: 'button' }, `Order ${pet.name}`);
    order.addEventListener('click', () => handlers.order(pet));
    body.append(order);
  }
  if (viewer.role === 'admin') {
    const label = element('label', { for: `pet-${pet.id}-status` }, 'Status ');
    const select = element('select', { id: `pet-${pet.id}-status` });
    for (const status of PET_STATUSES) {
      const option = element('option', { value: status }, status);
      option.selected = status === pet.status;
      select.append(option);
    }
    select.addEventListener('change', () => handlers.changeStatus(pet, select.value as Pet['status']));
    label.append(select);
    body.append(label);
  }
  card.append(body);
  item.append(card);
  return item;
}

/** The category filter's options: every category, as the categories topic keeps them. */
function renderCategoryFilter(state: BoardState, viewer: Viewer): void {
  const filter = byId('category-filter') as HTMLSelectElement;
  const categories = [...state.categories.values()].sort((a, b) => a.name.localeCompare(b.name));
  filter.replaceChildren(
    element('option', { value: '' }, 'All categories'),
    ...categories.map((category) => element('option', { value: String(category.id) }, category.name)),
  );
  if (viewer.categoryId !== undefined && !state.categories.has(viewer.categoryId))
    viewer.categoryId = undefined;
  filter.value = viewer.categoryId === undefined ? '' : String(viewer.categoryId);
}

export function render(state: BoardState, viewer: Viewer, handlers: Handlers): void {
  renderCategoryFilter(state, viewer);
  for (const status of PET_STATUSES) {
    const list = byId(`column-${status}`);
    const pets = state.petsWith(status, viewer.categoryId);
    list.replaceChildren(...pets.map((pet) => petCard(pet, viewer, handlers)));
    byId(`count-${status}`).textContent = String(state.inventory[status]);
    byId(`column-${status}-size`).textContent = `${pets.length} shown`;
  }
  const orders = byId('orders');
  byId('orders-section').hidden = viewer.role === null;
  orders.replaceChildren(
    ...[...state.orders.values()]
      .sort((a, b) => b.id - a.id)
      .map((order) => {
        const pet = state.pets.get(order.petId);
        return element(
          'li',
          { 'data-order-id': String(order.id), 'data-status': order.status },
          `Order #${order.id} for ${pet ? pet.name : `pet #${order.petId}`}: ${order.status}`,
        );
      }),
  );
  byId('webhooks-section').hidden = viewer.role !== 'admin';
  byId('webhooks').replaceChildren(
    ...state.webhooks.map((webhook) =>
      element(
        'li',
        { 'data-webhook-id': String(webhook.id), 'data-status': webhook.status },
        `${webhook.url} (${webhook.topics.join(', ')}): ${webhook.status}` +
          `${webhook.failure ? ` (${webhook.failure})` : ''}, ${webhook.backlog} behind`,
      ),
    ),
  );
  byId('add-pet').hidden = viewer.role !== 'admin';
  byId('sign-in').hidden = viewer.role !== null;
  byId('signed-in').hidden = viewer.role === null;
  byId('who').textContent = viewer.username ? `Signed in as ${viewer.username} (${viewer.role})` : '';
}
