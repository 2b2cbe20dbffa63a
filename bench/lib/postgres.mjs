// A PostgreSQL database of its own for a scenario, on the local server (BENCH_POSTGRES_URL), dropped after.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { reachable } from '../../scripts/reachable.mjs';

export const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const DEFAULT_PORTS = { 'postgres:': 5432, 'postgresql:': 5432, 'redis:': 6379 };

/** Host and port of a URL (the scheme's default port when it names none), for `reachable`. */
export function address(url) {
  const { hostname, port, protocol } = new URL(url);
  return { host: hostname, port: Number(port) || DEFAULT_PORTS[protocol] };
}

async function admin(statement) {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A fresh database (`url`, `name`, `drop()`), or undefined when PostgreSQL is unreachable. */
export async function freshDatabase() {
  if (!(await reachable(address(POSTGRES_URL)))) return undefined;
  const name = `bench_${randomBytes(5).toString('hex')}`;
  await admin(`create database ${name}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}
