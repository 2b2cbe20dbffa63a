import { z } from 'zod';
import { errorCatalog } from '../errors.js';

/** Text from clients: any string but one with NUL characters, which PostgreSQL cannot store. */
export const text = () =>
  z.string().refine((value) => !value.includes('\u0000'), 'must not contain NUL characters');

/** Ids are positive 32-bit integers; path parameters arrive as strings and are coerced. */
export const IdSchema = z.number().int().positive().max(2147483647);
export const IdParamSchema = z.coerce.number().int().positive().max(2147483647);
export const TimestampSchema = z.iso.datetime().meta({ example: '2026-11-25T12:00:00.000Z' });

export const ErrorSchema = z
  .object({
    statusCode: z.number().int(),
    code: z.enum([...new Set(errorCatalog.map((entry) => entry.code))] as [string, ...string[]]).meta({
      description: 'Stable identifier of the error: one of the error catalog (see the table above)',
    }),
    error: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({
    id: 'Error',
    example: { statusCode: 404, code: 'PET_NOT_FOUND', error: 'Not Found', message: 'Pet 42 not found' },
  });

export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).meta({ description: 'Page size, 1..100' }),
  cursor: text()
    .max(200)
    .optional()
    .meta({ description: 'Opaque cursor from the previous page’s `nextCursor`' }),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null at the end' }),
  });
}

/** Marks a comma-separated query value in its JSON schema with the JSON schema of one item (plugins/openapi-tidy.ts). */
export const LIST_ITEM = 'x-list-item';

/** A comma-separated query value, e.g. `status=available,pending`, parsed into a non-empty list. */
export function commaList<T extends z.ZodType<unknown, string>>(item: T, description: string) {
  const { $schema: _dialect, ...itemSchema } = z.toJSONSchema(item, { io: 'input' });
  return text()
    .max(1000)
    .meta({ description, [LIST_ITEM]: itemSchema })
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).min(1).max(50));
}

export type PageQuery = z.infer<typeof PageQuerySchema>;

export const IfMatchHeadersSchema = z.object({
  'if-match': text().max(200).optional().meta({ description: 'The ETag last seen, e.g. "3"' }),
});
