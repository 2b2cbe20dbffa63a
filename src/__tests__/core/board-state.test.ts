import { BoardState, type Pet } from '../../board/board-state.js';

const pet = (id: number, status: Pet['status'], version: number): Pet => ({
  id,
  name: `Pet ${id}`,
  status,
  photoUrls: [],
  category: null,
  version,
});

describe('the live board state', () => {
  it('applies changes once, in version order, so a replay overlapping the snapshot changes nothing', () => {
    const state = new BoardState();
    state.load([pet(1, 'available', 2)], { available: 1, pending: 0, sold: 0 }, []);
    expect(state.apply({ event: 'pet.updated', payload: pet(1, 'pending', 1) })).toBe(false);
    expect(state.apply({ event: 'pet.updated', payload: pet(1, 'available', 2) })).toBe(false);
    expect(state.petsWith('available').map((each) => each.id)).toEqual([1]);

    expect(state.apply({ event: 'pet.updated', payload: pet(1, 'sold', 3) })).toBe(true);
    expect(state.apply({ event: 'pet.created', payload: pet(2, 'available', 1) })).toBe(true);
    expect(state.petsWith('sold').map((each) => each.id)).toEqual([1]);
    expect(state.petsWith('available').map((each) => each.id)).toEqual([2]);
    expect(state.apply({ event: 'pet.deleted', payload: { id: 2 } })).toBe(true);
    expect(state.apply({ event: 'pet.deleted', payload: { id: 2 } })).toBe(false);
    expect(state.pets.size).toBe(1);
  });

  it('follows orders and the inventory, and ignores events it does not show', () => {
    const state = new BoardState();
    const order = { id: 7, petId: 1, status: 'placed' as const, version: 1 };
    expect(state.apply({ event: 'order.placed', payload: order })).toBe(true);
    expect(
      state.apply({ event: 'order.updated', payload: { ...order, status: 'approved', version: 2 } }),
    ).toBe(true);
    expect(state.orders.get(7)?.status).toBe('approved');
    expect(state.apply({ event: 'inventory.changed', payload: { available: 3, pending: 1, sold: 0 } })).toBe(
      true,
    );
    expect(state.inventory).toEqual({ available: 3, pending: 1, sold: 0 });
    expect(state.apply({ event: 'user.sneezed', payload: {} })).toBe(false);
    expect(state.apply({ event: 'order.deleted', payload: { id: 7 } })).toBe(true);
    expect(state.orders.size).toBe(0);
  });
});
