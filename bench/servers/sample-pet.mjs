// The pet every benchmark server sends, shaped and sized like the service's own.
export function samplePet(id, name = 'Rex') {
  const now = new Date().toISOString();
  return {
    id,
    name,
    category: { id: 1, name: 'Dogs' },
    photoUrls: [],
    tags: [],
    status: 'available',
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

/** The notification a baseline server broadcasts: the service's frame shape, stamped with its publish time `t`. */
export function sampleNotification(seq) {
  return {
    type: 'notification',
    correlationId: `event-${seq}`,
    timestamp: Date.now(),
    event: 'pet.updated',
    payload: samplePet(1, `Rex ${seq}`),
    topic: 'pets',
    seq,
    t: Date.now(),
  };
}
