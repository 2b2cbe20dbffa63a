// Small REST helpers against a running service.
export async function json(base, method, path, { token, body } = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return { body: text ? JSON.parse(text) : undefined, seq: Number(response.headers.get('x-event-seq') ?? 0) };
}

export async function login(base, username = 'admin', password = 'admin-password-1') {
  return (await json(base, 'POST', '/api/v1/auth/login', { body: { username, password } })).body.token;
}

/** Signs up a customer and returns their token. */
export async function customer(base) {
  const username = `bench${Date.now()}${Math.floor(Math.random() * 1e6)}`;
  await json(base, 'POST', '/api/v1/users', { body: { username, password: 'bench-password-1' } });
  return login(base, username, 'bench-password-1');
}

/** Calls `send` `count` times, at most `concurrency` at once; returns what each call returned. */
export async function pool(count, concurrency, send) {
  const results = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await send(index);
      }
    }),
  );
  return results;
}

/** Calls `send` `rate` times a second for `seconds`, on schedule, without waiting for answers to start the next. */
export async function paced(rate, seconds, send) {
  const total = Math.round(rate * seconds);
  const start = Date.now();
  const calls = [];
  for (let index = 0; index < total; index += 1) {
    const due = start + (index * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    calls.push(send(index));
  }
  return Promise.all(calls);
}
