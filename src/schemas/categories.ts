import { z } from 'zod';
import { IdSchema, PageQuerySchema, pageOf } from './common.js';
import { LabelSchema } from './pets.js';

export const CategorySchema = z
  .object({ id: IdSchema, name: z.string() })
  .meta({ id: 'Category', example: { id: 1, name: 'Dogs' } });
export type Category = z.infer<typeof CategorySchema>;

export const CategoryInputSchema = z.strictObject({ name: LabelSchema }).meta({ example: { name: 'Dogs' } });
export type CategoryInput = z.infer<typeof CategoryInputSchema>;

export const CategoryListQuerySchema = PageQuerySchema;
export type CategoryListQuery = z.infer<typeof CategoryListQuerySchema>;

export const CategoryPageSchema = pageOf(CategorySchema);
