import { z } from 'zod';
import {
  commaList,
  IdParamSchema,
  IdSchema,
  PageQuerySchema,
  pageOf,
  text,
  TimestampSchema,
} from './common.js';

export const PetStatusSchema = z.enum(['available', 'pending', 'sold']);
export type PetStatus = z.infer<typeof PetStatusSchema>;

/** `:id` of a pet in a path. */
export const PetParamsSchema = z.object({ id: IdParamSchema });

export const LabelSchema = text().trim().min(1).max(50);
const NamedSchema = z.object({ id: IdSchema, name: z.string() });

/** A category or tag on input: by `id`, or by `name` (found or created). */
const NamedRefInputSchema = z
  .strictObject({ id: IdSchema.optional(), name: LabelSchema.optional() })
  .refine((ref) => ref.id !== undefined || ref.name !== undefined, 'give an id or a name');
export type NamedRefInput = z.infer<typeof NamedRefInputSchema>;

const PhotoUrlSchema = z.union([
  z.url({ protocol: /^https?$/ }).max(2048),
  text().regex(/^\/api\/v1\/pets\/\d+\/images\/\d+$/, 'an http(s) URL or an image path of this API'),
]);

export const PetSchema = z
  .object({
    id: IdSchema,
    name: z.string(),
    category: NamedSchema.nullable(),
    photoUrls: z.array(z.string()),
    tags: z.array(NamedSchema),
    status: PetStatusSchema,
    version: z.number().int(),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({
    id: 'Pet',
    example: {
      id: 1,
      name: 'Rex',
      category: { id: 1, name: 'Dogs' },
      photoUrls: ['https://example.com/rex.jpg'],
      tags: [{ id: 1, name: 'friendly' }],
      status: 'available',
      version: 1,
      createdAt: '2026-11-25T12:00:00.000Z',
      updatedAt: '2026-11-25T12:00:00.000Z',
    },
  });
export type Pet = z.infer<typeof PetSchema>;

const petFields = {
  name: text().trim().min(1).max(100),
  category: NamedRefInputSchema.nullable(),
  photoUrls: z.array(PhotoUrlSchema).max(20),
  tags: z.array(NamedRefInputSchema).max(20),
  status: PetStatusSchema,
};

export const PetInputSchema = z
  .strictObject({
    name: petFields.name,
    category: petFields.category.optional().default(null),
    photoUrls: petFields.photoUrls.optional().default([]),
    tags: petFields.tags.optional().default([]),
    status: petFields.status.optional().default('available'),
  })
  .meta({
    id: 'PetBody',
    example: { name: 'Rex', category: { name: 'Dogs' }, tags: [{ name: 'friendly' }], status: 'available' },
  });
export type PetInput = z.infer<typeof PetInputSchema>;

export const PetPatchSchema = z
  .strictObject({
    name: petFields.name.optional(),
    category: petFields.category.optional(),
    photoUrls: petFields.photoUrls.optional(),
    tags: petFields.tags.optional(),
    status: petFields.status.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'give at least one field to change')
  .meta({ id: 'PetPatch', example: { status: 'sold' } });
export type PetPatch = z.infer<typeof PetPatchSchema>;

const statusList = commaList(PetStatusSchema, 'One or several statuses, comma separated');
const tagList = commaList(LabelSchema, 'Tag names, comma separated; a pet matches when it has any of them');

export const PetListQuerySchema = PageQuerySchema.extend({
  status: statusList.optional(),
  tags: tagList.optional(),
  category: LabelSchema.optional().meta({ description: 'Category name' }),
  name: text().min(1).max(100).optional().meta({ description: 'Substring of the name, any case' }),
});
export type PetListQuery = z.infer<typeof PetListQuerySchema>;

export const FindByStatusQuerySchema = z.object({ status: statusList });
export const FindByTagsQuerySchema = z.object({ tags: tagList });

export const PetPageSchema = pageOf(PetSchema);
export const PetListSchema = z.array(PetSchema);

export const InventorySchema = z
  .object({ available: z.number().int(), pending: z.number().int(), sold: z.number().int() })
  .meta({ id: 'Inventory', example: { available: 7, pending: 2, sold: 1 } });
export type Inventory = z.infer<typeof InventorySchema>;
