import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import { ForbiddenError, LastAdminError, UserNotFoundError, UsernameTakenError } from '../errors.js';
import type { SessionRevocations } from '../events/session-revocations.js';
import type { SessionsRepository } from '../repositories/sessions-repository.js';
import { toUser, type UserChanges, type UsersRepository } from '../repositories/users-repository.js';
import type { NewUser, Role, SignUp, User, UserUpdate } from '../schemas/users.js';
import type { PageQuery } from '../schemas/common.js';
import { isAdmin, requireAdmin, requireUser, type Actor, type Principal } from './access.js';
import type { OrdersService } from './orders-service.js';
import { decodeCursor, toPage, type Page } from './pagination.js';
import { checkPasswordPolicy } from './password-policy.js';
import { hashPassword } from './passwords.js';
import type { AtSeq, Transactor } from './transactor.js';

export class UsersService {
  constructor(
    private readonly transactor: Transactor,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly ordersService: OrdersService,
    private readonly revocations: SessionRevocations,
  ) {}

  /** Anyone may sign up; the account is always a customer. */
  async signUp(input: SignUp): Promise<AtSeq<User>> {
    checkPasswordPolicy(input.username, input.password);
    const row = await this.prepare({ ...input, role: 'customer' });
    return this.transactor.write(async (tx) => this.insert(tx, row));
  }

  /** Admin only: several users at once, all or none. */
  async createMany(actor: Actor, inputs: NewUser[]): Promise<AtSeq<User[]>> {
    requireAdmin(actor);
    for (const input of inputs) checkPasswordPolicy(input.username, input.password);
    const rows = await Promise.all(inputs.map((input) => this.prepare(input)));
    return this.transactor.write(async (tx) => {
      const created: User[] = [];
      for (const row of rows) created.push(await this.insert(tx, row));
      return created;
    });
  }

  /** Creates the configured first admin unless that username already exists. */
  async ensureAdmin(username: string, password: string): Promise<boolean> {
    const existing = await this.transactor.query((db) => this.users.findByUsername(db, username));
    if (existing) return false;
    const row = await this.prepare({ username, password, role: 'admin' });
    await this.transactor.write((tx) => this.users.insert(tx, row));
    return true;
  }

  /**
   * The admin of a store that has none, named `admin`, with a generated password that is returned once and never
   * kept in the clear; undefined when the store has an admin already, or an account of that name.
   */
  async ensureFirstAdmin(): Promise<{ username: string; password: string } | undefined> {
    const username = 'admin';
    const taken = await this.transactor.query(
      async (db) => (await this.users.countAdmins(db)) > 0 || (await this.users.findByUsername(db, username)),
    );
    if (taken) return undefined;
    const password = randomBytes(18).toString('base64url');
    return (await this.ensureAdmin(username, password)) ? { username, password } : undefined;
  }

  list(actor: Actor, query: PageQuery): Promise<AtSeq<Page<User>>> {
    requireAdmin(actor);
    return this.transactor.read(async (tx) => {
      const rows = await this.users.list(tx, { afterId: decodeCursor(query.cursor), limit: query.limit + 1 });
      return toPage(rows.map(toUser), query.limit);
    });
  }

  me(actor: Actor): Promise<AtSeq<User>> {
    const principal = requireUser(actor);
    return this.get(principal, principal.username);
  }

  get(actor: Actor, username: string): Promise<AtSeq<User>> {
    this.requireSelfOrAdmin(actor, username);
    return this.transactor.read(async (tx) => toUser(await this.mustFind(tx, username)));
  }

  async update(actor: Actor, username: string, update: UserUpdate): Promise<AtSeq<User>> {
    const principal = this.requireSelfOrAdmin(actor, username);
    const { password, ...profile } = update;
    if (password !== undefined) checkPasswordPolicy(username, password);
    const changes: UserChanges = { ...profile };
    if (password !== undefined) changes.passwordHash = await hashPassword(password);
    const now = new Date().toISOString();
    const result = await this.transactor.write(async (tx) => {
      const user = await this.mustFind(tx, username);
      if (update.role !== undefined && update.role !== user.role) {
        if (!isAdmin(principal)) throw new ForbiddenError('Only an admin may change a role');
        if (user.role === 'admin') await this.refuseLastAdmin(tx);
      }
      const updated = await this.users.update(tx, user.id, changes);
      if (password !== undefined) {
        await this.sessions.revokeAllForUser(tx, user.id, now, this.sessionKeptBy(principal, user.id));
      }
      return toUser(updated);
    });
    if (password !== undefined) {
      // A new password ends every other session of the account.
      const exceptSessionId = this.sessionKeptBy(principal, result.data.id);
      this.revocations.publish({ userId: result.data.id, ...(exceptSessionId ? { exceptSessionId } : {}) });
    }
    return result;
  }

  /** Deletes the account, its sessions and its orders (releasing the pets they held). */
  async delete(actor: Actor, username: string): Promise<AtSeq<{ id: number }>> {
    this.requireSelfOrAdmin(actor, username);
    const result = await this.transactor.write(async (tx, events) => {
      const user = await this.mustFind(tx, username);
      if (user.role === 'admin') await this.refuseLastAdmin(tx);
      await this.ordersService.removeAllForUserWithin(tx, events, user.id);
      await this.users.delete(tx, user.id);
      return { id: user.id };
    });
    this.revocations.publish({ userId: result.data.id });
    return result;
  }

  /** The session that changing a password keeps: the caller's own, when they change their own. */
  private sessionKeptBy(principal: Principal, userId: number): string | undefined {
    return principal.userId === userId ? principal.sessionId : undefined;
  }

  private requireSelfOrAdmin(actor: Actor, username: string): Principal {
    const principal = requireUser(actor);
    if (!isAdmin(principal) && principal.username !== username) {
      throw new ForbiddenError('Only the user themselves or an admin may do this');
    }
    return principal;
  }

  private async mustFind(tx: Transaction<Database>, username: string) {
    const user = await this.users.findByUsername(tx, username);
    if (!user) throw new UserNotFoundError(username);
    return user;
  }

  private async refuseLastAdmin(tx: Transaction<Database>): Promise<void> {
    if ((await this.users.countAdmins(tx)) <= 1) throw new LastAdminError();
  }

  private async prepare(input: SignUp & { role: Role }) {
    return {
      username: input.username,
      passwordHash: await hashPassword(input.password),
      firstName: input.firstName ?? null,
      lastName: input.lastName ?? null,
      email: input.email ?? null,
      phone: input.phone ?? null,
      userStatus: input.userStatus ?? 0,
      role: input.role,
      createdAt: new Date().toISOString(),
    };
  }

  private async insert(
    tx: Transaction<Database>,
    row: Awaited<ReturnType<UsersService['prepare']>>,
  ): Promise<User> {
    const created = await this.users.insert(tx, row);
    if (!created) throw new UsernameTakenError(row.username);
    return toUser(created);
  }
}
