import { z } from 'zod';
import { IdSchema, text } from './common.js';
import { OrderInputSchema, OrderStatusSchema } from './orders.js';
import { LabelSchema, PetInputSchema, PetPatchSchema, PetStatusSchema } from './pets.js';
import { NewUserSchema, SignUpSchema, UserUpdateSchema } from './users.js';

/**
 * The shapes of the official Swagger Petstore v3 document (`/api/v3`). Requests are read in the official shape
 * and handed on in this API's own (`.pipe` into its schema), so every rule of `/api/v1` still applies; numbers
 * and flags may arrive as text, as they do from XML and forms.
 */
const wholeNumber = z.coerce.number().int();
const id = z.coerce.number().int().positive().max(2147483647);
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);

/** A category or tag as the official document has it (`{ id, name }`); the name wins when both are given. */
const RefSchema = z.strictObject({
  id: z.coerce.number().int().min(0).max(2147483647).optional(),
  name: LabelSchema.optional(),
});
const byName = (ref: z.infer<typeof RefSchema>) =>
  ref.name !== undefined ? { name: ref.name } : { id: ref.id };

const officialPet = {
  id: id.optional().meta({ description: 'Ignored: the server numbers pets' }),
  name: text(),
  category: RefSchema.optional(),
  photoUrls: z
    .array(text())
    .optional()
    .meta({ description: 'Required by the official document; absent is empty' }),
  tags: z.array(RefSchema).optional(),
  status: PetStatusSchema.optional(),
};

/** A pet to add, or (with `id`) to replace. */
const V3PetBodySchema = z.strictObject(officialPet);
type V3PetBody = z.infer<typeof V3PetBodySchema>;

/** The official pet as this API's pet input, before this API's own checks. */
const toPetFields = (pet: V3PetBody): z.input<typeof PetInputSchema> => ({
  name: pet.name,
  category: pet.category ? byName(pet.category) : null,
  photoUrls: pet.photoUrls ?? [],
  tags: (pet.tags ?? []).map(byName),
  status: pet.status ?? 'available',
});

export const V3PetAddSchema = V3PetBodySchema.transform(toPetFields).pipe(PetInputSchema);
export const V3PetReplaceSchema = V3PetBodySchema.extend({ id })
  .transform((pet) => ({ id: pet.id, input: toPetFields(pet) }))
  .pipe(z.object({ id: IdSchema, input: PetInputSchema }));

/** `POST /pet/{petId}?name=&status=`: a partial update from the query string. */
export const V3PetFormQuerySchema = z
  .strictObject({ name: text().optional(), status: PetStatusSchema.optional() })
  .pipe(PetPatchSchema);

export const V3OrderBodySchema = z
  .strictObject({
    id: id.optional().meta({ description: 'Ignored: the server numbers orders' }),
    petId: id,
    quantity: wholeNumber.optional(),
    shipDate: z.iso.datetime().optional(),
    status: OrderStatusSchema.optional().meta({ description: 'Ignored: every order starts `placed`' }),
    complete: flag.optional().meta({ description: 'Ignored: set when the order is delivered' }),
  })
  .transform(({ petId, quantity, shipDate }) => ({
    petId,
    ...(quantity !== undefined ? { quantity } : {}),
    ...(shipDate !== undefined ? { shipDate } : {}),
  }))
  .pipe(OrderInputSchema);

const officialUser = {
  id: id.optional().meta({ description: 'Ignored: the server numbers users' }),
  username: text(),
  firstName: text().optional(),
  lastName: text().optional(),
  email: text().optional(),
  password: text().optional(),
  phone: text().optional(),
  userStatus: wholeNumber.optional(),
};

const V3UserBodySchema = z.strictObject(officialUser);
/** A user to create: this API's sign-up (a password is required). */
// A missing password is left for SignUpSchema to refuse, with its own message.
export const V3NewUserSchema = V3UserBodySchema.transform(
  ({ id: _id, ...user }) => user as z.input<typeof SignUpSchema>,
).pipe(SignUpSchema);
/** Users an admin creates at once: customers, as the official document has no role. */
export const V3NewUsersSchema = z
  .array(
    V3UserBodySchema.transform(({ id: _id, ...user }) => user as z.input<typeof NewUserSchema>).pipe(
      NewUserSchema,
    ),
  )
  .min(1)
  .max(100);
/** A user's new details; `username` names the account in the path and cannot change. */
export const V3UserUpdateSchema = V3UserBodySchema.transform(
  ({ id: _id, username: _username, ...details }): z.input<typeof UserUpdateSchema> => details,
).pipe(UserUpdateSchema);

export const V3PetIdParamsSchema = z.object({ petId: id });
export const V3OrderIdParamsSchema = z.object({ orderId: id });
export const V3UsernameParamsSchema = z.object({ username: text().min(1).max(64) });

/** `status` once, several times, or comma separated (`available,sold`); the official default is `available`. */
export const V3StatusQuerySchema = z.object({
  status: z
    .union([text(), z.array(text())])
    .optional()
    .transform((value) => [value ?? 'available'].flat().flatMap((part) => part.split(',')))
    .pipe(z.array(PetStatusSchema).min(1).max(50)),
});

/** `tags` repeated or comma separated. */
export const V3TagsQuerySchema = z.object({
  tags: z
    .union([text(), z.array(text())])
    .transform((value) =>
      [value]
        .flat()
        .flatMap((part) => part.split(','))
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(LabelSchema).min(1).max(50)),
});

export const V3LoginQuerySchema = z.object({ username: text().max(64), password: text().max(128) });
export const V3UploadQuerySchema = z.object({ additionalMetadata: text().max(4096).optional() });

// Answers, in the official shapes.
const NamedSchema = z.object({ id: z.number().int(), name: z.string() });
export const V3PetSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  category: NamedSchema.optional(),
  photoUrls: z.array(z.string()),
  tags: z.array(NamedSchema),
  status: PetStatusSchema,
});
export const V3OrderSchema = z.object({
  id: z.number().int(),
  petId: z.number().int(),
  quantity: z.number().int(),
  shipDate: z.string().optional(),
  status: OrderStatusSchema,
  complete: z.boolean(),
});
export const V3UserSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  userStatus: z.number().int(),
});
export const V3InventorySchema = z.record(z.string(), z.number().int());
export const V3ApiResponseSchema = z.object({
  code: z.number().int(),
  type: z.string(),
  message: z.string(),
});
