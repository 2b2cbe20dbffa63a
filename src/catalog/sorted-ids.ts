/** A set of ids kept in ascending order: what an index of the catalog holds (new ids mostly land at the end). */
export class SortedIds {
  private readonly ids: number[] = [];

  get size(): number {
    return this.ids.length;
  }

  add(id: number): void {
    const last = this.ids.at(-1);
    if (last === undefined || id > last) {
      this.ids.push(id);
      return;
    }
    const index = this.firstAbove(id - 1);
    if (this.ids[index] !== id) this.ids.splice(index, 0, id);
  }

  delete(id: number): void {
    const index = this.firstAbove(id - 1);
    if (this.ids[index] === id) this.ids.splice(index, 1);
  }

  /** Visits the ids above `afterId` (every id when undefined) in ascending order, until `visit` says stop. */
  scan(afterId: number | undefined, visit: (id: number) => 'stop' | undefined): void {
    for (let index = afterId === undefined ? 0 : this.firstAbove(afterId); index < this.ids.length; index++) {
      if (visit(this.ids[index] as number) === 'stop') return;
    }
  }

  /** The position of the first id greater than `id` (binary search). */
  private firstAbove(id: number): number {
    let low = 0;
    let high = this.ids.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.ids[middle] as number) <= id) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
