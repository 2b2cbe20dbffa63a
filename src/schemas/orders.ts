import { z } from 'zod';
import { IdSchema, PageQuerySchema, pageOf, TimestampSchema } from './common.js';

export const OrderStatusSchema = z.enum(['placed', 'approved', 'delivered']);
export type OrderStatus = z.infer<typeof OrderStatusSchema>;

export const OrderSchema = z
  .object({
    id: IdSchema,
    petId: IdSchema,
    userId: IdSchema,
    quantity: z.number().int(),
    shipDate: TimestampSchema.nullable(),
    status: OrderStatusSchema,
    complete: z.boolean(),
    version: z.number().int(),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({
    id: 'Order',
    example: {
      id: 3,
      petId: 1,
      userId: 2,
      quantity: 1,
      shipDate: null,
      status: 'placed',
      complete: false,
      version: 1,
      createdAt: '2026-11-25T12:00:00.000Z',
      updatedAt: '2026-11-25T12:00:00.000Z',
    },
  });
export type Order = z.infer<typeof OrderSchema>;

export const OrderInputSchema = z
  .strictObject({
    petId: IdSchema,
    quantity: z.number().int().min(1).max(100).optional().default(1),
    shipDate: z.iso.datetime().optional(),
  })
  .meta({ id: 'OrderBody', example: { petId: 1, quantity: 1 } });
export type OrderInput = z.infer<typeof OrderInputSchema>;

export const OrderStatusUpdateSchema = z
  .strictObject({ status: OrderStatusSchema })
  .meta({ id: 'OrderStatusUpdate', example: { status: 'approved' } });

export const OrderListQuerySchema = PageQuerySchema.extend({
  status: OrderStatusSchema.optional(),
  userId: z.coerce.number().int().positive().max(2147483647).optional().meta({ description: 'Admins only' }),
});
export type OrderListQuery = z.infer<typeof OrderListQuerySchema>;

export const OrderPageSchema = pageOf(OrderSchema);
