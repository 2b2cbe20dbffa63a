// The in-memory catalog's size: a node started on a SQLite store of 10,000 and of 100,000 pets (each with a
// category, two tags and a photo URL, written straight into the file), its heap after a forced GC against the
// same node on an empty store, per pet; and how long the start-up load of the catalog took.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startOurs } from '../lib/processes.mjs';
import { alternating, spread } from '../lib/rounds.mjs';

const STATUSES = ['available', 'pending', 'sold'];

/** Fills a migrated store with `count` pets, as the service would have written them. */
function fill(dataDir, count) {
  const db = new Database(join(dataDir, 'petstore.sqlite'));
  try {
    const now = new Date().toISOString();
    db.transaction(() => {
      const category = db.prepare('insert into categories (name) values (?)');
      const tag = db.prepare('insert into tags (name) values (?)');
      for (let index = 1; index <= 5; index += 1) category.run(`Category ${index}`);
      for (let index = 1; index <= 10; index += 1) tag.run(`tag-${index}`);
      const pet = db.prepare(
        'insert into pets (name, name_key, category_id, photo_urls, status, version, created_at, updated_at) ' +
          'values (?, ?, ?, ?, ?, 1, ?, ?)',
      );
      const petTag = db.prepare('insert into pet_tags (pet_id, tag_id, position) values (?, ?, ?)');
      for (let id = 1; id <= count; id += 1) {
        const name = `Pet number ${id}`;
        const photos = JSON.stringify([`https://images.example.com/pets/${id}.jpg`]);
        pet.run(name, name.toLowerCase(), (id % 5) + 1, photos, STATUSES[id % 3], now, now);
        petTag.run(id, (id % 10) + 1, 0);
        petTag.run(id, ((id + 3) % 10) + 1, 1);
      }
    })();
  } finally {
    db.close();
  }
}

async function heapWith(count) {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-catalog-'));
  try {
    const env = { DATA_DIR: dataDir, SEED_DEMO_DATA: 'false', CATALOG_MAX_PETS: String(10 * count + 1) };
    await (await startOurs(env)).stop(); // migrates the store
    fill(dataDir, count);
    const started = Date.now();
    const server = await startOurs(env);
    const startSeconds = (Date.now() - started) / 1000;
    try {
      const health = await (await fetch(`${server.http}/health`)).json();
      if (health.catalog.source !== 'memory' || health.catalog.pets !== count) {
        throw new Error(`the catalog did not load ${count} pets: ${JSON.stringify(health.catalog)}`);
      }
      return { ...(await server.memory()), startSeconds };
    } finally {
      await server.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

export async function catalogMemoryScenario({ quick }) {
  const sizes = quick ? [10_000] : [10_000, 100_000];
  const rounds = quick ? 1 : Number(process.env.ROUNDS ?? 3);
  const runs = Object.fromEntries(sizes.map((size) => [size, []]));
  for (const order of alternating(sizes, rounds)) {
    for (const size of order) {
      const empty = await heapWith(0);
      const full = await heapWith(size);
      runs[size].push({
        heapBytesPerPet: (full.heapUsed - empty.heapUsed) / size,
        rssBytesPerPet: (full.rss - empty.rss) / size,
        startSeconds: full.startSeconds,
        emptyStartSeconds: empty.startSeconds,
      });
    }
  }
  return sizes.map((size) => ({
    pets: size,
    heapBytesPerPet: spread(
      runs[size].map((run) => run.heapBytesPerPet),
      0,
    ),
    rssBytesPerPet: spread(
      runs[size].map((run) => run.rssBytesPerPet),
      0,
    ),
    startSeconds: spread(runs[size].map((run) => run.startSeconds)),
    emptyStartSeconds: spread(runs[size].map((run) => run.emptyStartSeconds)),
  }));
}
