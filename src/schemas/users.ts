import { z } from 'zod';
import { IdSchema, PageQuerySchema, pageOf, text, TimestampSchema } from './common.js';

export const RoleSchema = z.enum(['admin', 'customer']);
export type Role = z.infer<typeof RoleSchema>;

const UsernameSchema = text()
  .min(3)
  .max(32)
  .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, dot, dash and underscore only');
const PasswordSchema = text().min(8).max(128);

export const UserSchema = z
  .object({
    id: IdSchema,
    username: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    userStatus: z.number().int(),
    role: RoleSchema,
    createdAt: TimestampSchema,
  })
  .meta({
    id: 'User',
    example: {
      id: 2,
      username: 'alice',
      firstName: 'Alice',
      lastName: 'Liddell',
      email: 'alice@example.com',
      phone: null,
      userStatus: 0,
      role: 'customer',
      createdAt: '2026-11-25T12:00:00.000Z',
    },
  });
export type User = z.infer<typeof UserSchema>;

const profileFields = {
  firstName: text().trim().max(100).nullable().optional(),
  lastName: text().trim().max(100).nullable().optional(),
  email: z.email().max(254).nullable().optional(),
  phone: text()
    .max(32)
    .regex(/^[0-9+()\-. ]*$/, 'digits, spaces and + ( ) - . only')
    .nullable()
    .optional(),
  userStatus: z.number().int().min(0).max(1000).optional(),
};

export const SignUpSchema = z
  .strictObject({ username: UsernameSchema, password: PasswordSchema, ...profileFields })
  .meta({
    id: 'SignUp',
    example: { username: 'alice', password: 'correct horse battery', email: 'alice@example.com' },
  });
export type SignUp = z.infer<typeof SignUpSchema>;

export const NewUserSchema = SignUpSchema.extend({ role: RoleSchema.optional().default('customer') }).meta({
  id: 'NewUser',
});
export type NewUser = z.infer<typeof NewUserSchema>;

export const UserListInputSchema = z.array(NewUserSchema).min(1).max(100);

export const UserUpdateSchema = z
  .strictObject({ ...profileFields, password: PasswordSchema.optional(), role: RoleSchema.optional() })
  .meta({ id: 'UserUpdate', example: { firstName: 'Alice', phone: '+44 20 7946 0000' } });
export type UserUpdate = z.infer<typeof UserUpdateSchema>;

export const UsernameParamsSchema = z.object({ username: UsernameSchema });
export const UserPageSchema = pageOf(UserSchema);
export const UserListQuerySchema = PageQuerySchema;
