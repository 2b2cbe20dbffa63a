import type { Executor } from '../db/executor.js';
import type { PetImageRow } from '../db/types.js';

export class ImagesRepository {
  async insert(db: Executor, values: Omit<PetImageRow, 'id'>): Promise<PetImageRow> {
    return db.insertInto('petImages').values(values).returningAll().executeTakeFirstOrThrow();
  }

  async find(db: Executor, petId: number, imageId: number): Promise<PetImageRow | undefined> {
    return db
      .selectFrom('petImages')
      .selectAll()
      .where('id', '=', imageId)
      .where('petId', '=', petId)
      .executeTakeFirst();
  }

  async listFileNames(db: Executor, petId: number): Promise<string[]> {
    const rows = await db.selectFrom('petImages').select('fileName').where('petId', '=', petId).execute();
    return rows.map((row) => row.fileName);
  }
}
