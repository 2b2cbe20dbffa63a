// The pet every benchmark server sends, shaped and sized like the service's own: the benchmarks update the
// service's first demo pet, a dog tagged `friendly`, so its frames carry the same bytes but for the values.
export function samplePet(id, name = 'Rex') {
  const now = new Date().toISOString();
  return {
    id,
    name,
    category: { id: 1, name: 'Dogs' },
    photoUrls: [],
    tags: [{ id: 1, name: 'friendly' }],
    status: 'available',
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

/** The notification a baseline server broadcasts: the service's frame shape, the pet named as published. */
export function sampleNotification(seq, name) {
  return {
    type: 'notification',
    correlationId: `event-${seq}`,
    timestamp: Date.now(),
    event: 'pet.updated',
    payload: samplePet(1, name),
    topic: 'pets',
    seq,
  };
}

/** Reads `POST /publish {name}` and calls `publish(name)`; anything else is 404. */
export function publishHandler(publish) {
  return (request, response) => {
    if (request.method !== 'POST' || request.url !== '/publish') return response.writeHead(404).end();
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      publish(JSON.parse(body).name);
      response.writeHead(204).end();
    });
  };
}
