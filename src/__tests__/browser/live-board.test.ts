import type { Page } from 'playwright-core';
import { openPage, screenshot, useBrowserSession } from '../helpers/browser.js';
import { IMAGES, multipart } from '../helpers/multipart.js';
import { createPet } from '../helpers/test-app.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

// The admin view's webhook test registers a receiver on 127.0.0.1.
const session = useBrowserSession({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' });

const connection = (page: Page) => page.getAttribute('#connection', 'data-state');
const card = (status: string, id: number) => `#column-${status} li[data-pet-id="${id}"]`;

async function openBoard(): Promise<{ page: Page; problems: string[] }> {
  const opened = await openPage(session.browser);
  await opened.page.goto(session.base);
  await opened.page.waitForSelector('#connection[data-state="open"]');
  return opened;
}

describe('the live board', () => {
  it('shows a pet created over REST within a second, moves it on a status change, and follows an order', async () => {
    const { page, problems } = await openBoard();
    const created = await createPet(session.app, { name: 'Biscuit' });
    await page.waitForSelector(card('available', created.id), { timeout: 1000 });
    expect(await page.textContent('#count-available')).toBe('1');

    // Its photo, uploaded now, shows on its card.
    const { body, headers } = multipart([{ name: 'file', value: IMAGES.png, filename: 'biscuit.png' }]);
    const token = await session.app.adminToken();
    const upload = await session.app.call({
      method: 'POST',
      url: `/api/v1/pets/${created.id}/uploadImage`,
      token,
      body,
      headers,
    });
    expect(upload.statusCode).toBe(201);
    const photo = page.locator(`${card('available', created.id)} img`);
    await photo.waitFor({ timeout: 1000 });
    await page.waitForFunction(
      (selector) => (document.querySelector(selector) as HTMLImageElement | null)?.naturalWidth === 1,
      `${card('available', created.id)} img`,
    );
    expect(await photo.getAttribute('alt')).toBe('Photo of Biscuit');

    const admin = await session.app.adminToken();
    await session.app.call({
      method: 'PATCH',
      url: `/api/v1/pets/${created.id}`,
      token: admin,
      body: { status: 'pending' },
    });
    await page.waitForSelector(card('pending', created.id), { timeout: 1000 });
    expect(await page.locator(card('available', created.id)).count()).toBe(0);

    // A customer orders an available pet from the page; the test approves the order.
    const available = await createPet(session.app, { name: 'Pickles' });
    const customer = await session.app.customer('boardcustomer');
    await page.fill('#username', customer.username);
    await page.fill('#password', 'customer-password-1');
    await page.press('#password', 'Enter');
    await page.waitForSelector('#signed-in:not([hidden])');
    await page.getByRole('button', { name: 'Order Pickles' }).click();
    const placed = page.locator('#orders li[data-status="placed"]');
    await placed.waitFor();
    const orderId = Number(await placed.getAttribute('data-order-id'));
    await page.waitForSelector(card('pending', available.id));

    await session.app.call({
      method: 'PATCH',
      url: `/api/v1/store/order/${orderId}`,
      token: admin,
      body: { status: 'approved' },
    });
    await page.waitForSelector(`#orders li[data-order-id="${orderId}"][data-status="approved"]`, {
      timeout: 1000,
    });
    await screenshot(page, 'live-board');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('lets an admin add a pet and change its status from the page', async () => {
    const { page, problems } = await openBoard();
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('admin-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('New pet’s name').fill('Noodle');
    await page.getByRole('button', { name: 'Add pet' }).click();
    const added = page.locator('#column-available li', { hasText: 'Noodle' });
    await added.waitFor();
    const id = Number(await added.getAttribute('data-pet-id'));
    const stored = (await session.app.call({ method: 'GET', url: `/api/v1/pets/${id}` })).json();
    expect(stored).toMatchObject({ name: 'Noodle', status: 'available' });

    const sent: { method: string; path: string; minSeq?: string }[] = [];
    page.on('request', (request) =>
      sent.push({
        method: request.method(),
        path: new URL(request.url()).pathname,
        minSeq: request.headers()['x-min-event-seq'],
      }),
    );
    const patched = page.waitForResponse((response) => response.request().method() === 'PATCH');
    await page.locator(`#pet-${id}-status`).selectOption('sold');
    await page.waitForSelector(card('sold', id));
    const patchSeq = Number((await patched).headers()['x-event-seq']);
    expect((await session.app.call({ method: 'GET', url: `/api/v1/pets/${id}` })).json().status).toBe('sold');

    // Signed in again, the board's reads ask to reflect its own write, whichever node they reach.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('admin-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForResponse((response) => new URL(response.url()).pathname === '/api/v1/users/me');
    const reads = sent.filter((request) => request.method === 'GET' && request.path.startsWith('/api/'));
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) expect(Number(read.minSeq)).toBeGreaterThanOrEqual(patchSeq);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("lists the webhooks in the admin view with their state, and follows a receiver's 410", async () => {
    const receiver = new WebhookReceiver();
    const url = await receiver.start();
    const admin = await session.app.adminToken();
    const created = await session.app.call({
      method: 'POST',
      url: '/api/v1/webhooks',
      token: admin,
      body: { url, topics: ['pets'] },
    });
    const { id } = created.json();
    const { page, problems } = await openBoard();
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('admin-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const row = page.locator(`#webhooks li[data-webhook-id="${id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain(`${url} (pets): active`);
    receiver.answer = () => 410;
    await createPet(session.app, { name: 'Gone' });
    await page.waitForSelector(`#webhooks li[data-webhook-id="${id}"][data-status="disabled"]`, {
      timeout: 5000,
    });
    expect(await row.textContent()).toContain('disabled (GONE)');
    expect(problems).toEqual([]);
    await page.close();
    await session.app.call({ method: 'DELETE', url: `/api/v1/webhooks/${id}`, token: admin });
    await receiver.close();
  });

  it('works on a phone-sized screen with the keyboard alone', async () => {
    const { page, problems } = await openPage(session.browser, { width: 375, height: 740 });
    await page.goto(session.base);
    await page.waitForSelector('#connection[data-state="open"]');
    const columns = await page.$$eval('.columns > section', (sections) =>
      sections.map((section) => section.getBoundingClientRect().left),
    );
    expect(new Set(columns).size).toBe(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    // Tab to the username field through the page's own order, then sign in with Enter.
    for (
      let index = 0;
      index < 10 && (await page.evaluate(() => document.activeElement?.id)) !== 'username';
      index += 1
    ) {
      await page.keyboard.press('Tab');
    }
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('username');
    expect(await page.getByLabel('Username').count()).toBe(1);
    expect(await page.getByRole('status').textContent()).toBe('Live');
    await screenshot(page, 'live-board-phone');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows reconnecting while the server restarts, then catches up without duplicate cards', async () => {
    const { page, problems } = await openBoard();
    const before = await createPet(session.app, { name: 'Before' });
    await page.waitForSelector(card('available', before.id));

    await session.app.restart({ listen: false });
    await page.waitForSelector('#connection[data-state="reconnecting"]');
    // Changes made while the page cannot reach the server.
    const during = [
      await createPet(session.app, { name: 'Away-1' }),
      await createPet(session.app, { name: 'Away-2' }),
    ];
    const admin = await session.app.adminToken();
    await session.app.call({
      method: 'PATCH',
      url: `/api/v1/pets/${before.id}`,
      token: admin,
      body: { status: 'sold' },
    });
    await session.app.listen();

    await page.waitForSelector('#connection[data-state="open"]', { timeout: 15_000 });
    for (const pet of during) await page.waitForSelector(card('available', pet.id));
    await page.waitForSelector(card('sold', before.id));
    const ids = await page.$$eval('li[data-pet-id]', (items) =>
      items.map((item) => item.getAttribute('data-pet-id')),
    );
    expect(ids.length).toBe(new Set(ids).size);
    const total = (await session.app.call({ method: 'GET', url: '/api/v1/pets?limit=100' })).json().items
      .length;
    expect(ids).toHaveLength(total);
    expect(await connection(page)).toBe('open');
    // The WebSocket closing with 1001 and refused reconnects are expected here; nothing else may fail.
    expect(problems.filter((problem) => !/WebSocket|ERR_CONNECTION_REFUSED/.test(problem))).toEqual([]);
    await page.close();
  });

  it('reloads when the store it followed was restored from a backup (a new epoch), showing the restored state', async () => {
    const { page, problems } = await openBoard();
    const kept = await createPet(session.app, { name: 'Kept' });
    const lost = await createPet(session.app, { name: 'Not in the backup' });
    await page.waitForSelector(card('available', lost.id));

    // As a restore does: the data changes under the event log, with no event for it, and the log is renamed.
    await session.app.restart({ listen: false });
    const { db } = session.app.app.database;
    await db.deleteFrom('pets').where('id', '=', lost.id).execute();
    await session.app.app.services.feed.renewEpoch(db);
    await session.app.restart({ listen: false });
    await session.app.listen();

    // No event says the pet is gone: only the reload that RESYNC_REQUIRED calls for shows it.
    await page.waitForSelector(card('available', lost.id), { state: 'detached', timeout: 15_000 });
    await page.waitForSelector(card('available', kept.id));
    const after = await createPet(session.app, { name: 'After the restore' });
    await page.waitForSelector(card('available', after.id));
    expect(await connection(page)).toBe('open');
    expect(problems.filter((problem) => !/WebSocket|ERR_CONNECTION_REFUSED/.test(problem))).toEqual([]);
    await page.close();
  });
  it('filters pets by category, with the categories kept current live', async () => {
    const { page, problems } = await openBoard();
    const token = await session.app.adminToken();
    const dog = await createPet(session.app, { name: 'Rover', category: { name: 'Filter dogs' } });
    const cat = await createPet(session.app, { name: 'Tom', category: { name: 'Filter cats' } });
    await page.waitForSelector(card('available', cat.id), { timeout: 1000 });
    const option = (name: string) => page.locator('#category-filter option', { hasText: name });
    await option('Filter cats').waitFor({ state: 'attached', timeout: 1000 });
    const catsId = (await session.app.call({ method: 'GET', url: `/api/v1/pets/${cat.id}` })).json().category
      .id;

    await page.selectOption('#category-filter', String(catsId));
    await page.waitForSelector(card('available', dog.id), { state: 'detached', timeout: 1000 });
    expect(await page.locator(card('available', cat.id)).count()).toBe(1);

    // A rename over REST reaches the filter and the card, with the filter still applied.
    await session.app.call({
      method: 'PUT',
      url: `/api/v1/categories/${catsId}`,
      token,
      body: { name: 'Filter felines' },
    });
    await option('Filter felines').waitFor({ state: 'attached', timeout: 1000 });
    await page.waitForSelector(`${card('available', cat.id)} :text("Filter felines")`, { timeout: 1000 });
    expect(await page.inputValue('#category-filter')).toBe(String(catsId));
    expect(await page.locator(card('available', dog.id)).count()).toBe(0);

    await page.selectOption('#category-filter', '');
    await page.waitForSelector(card('available', dog.id), { timeout: 1000 });
    expect(problems).toEqual([]);
    await page.close();
  });
});
