import type { Permission } from '@chorus/contracts';
import { AppError } from '@chorus/runtime';
import { forbidden, type Actor } from './permission-checker.js';

/**
 * SPEC 15's escalation rules, in one place. A member may only manage roles positioned strictly below
 * their own highest role (the owner outranks every role), and may never hand out a permission they lack
 * themselves (ADMINISTRATOR holders have all, so they may grant anything — ADMINISTRATOR included).
 */
export function assertBelow(actor: Actor, position: number, what = 'that role'): void {
  if (position >= actor.highest) throw forbidden(`You can only manage roles positioned below your highest role (${what} is not)`);
}

/** Refuses when `granted` holds a permission the actor lacks (only what is newly granted counts: pass the additions). */
export function assertCanGrant(actor: Actor, granted: readonly Permission[]): void {
  const lacking = granted.filter((p) => !actor.permissions.includes(p));
  if (lacking.length > 0) throw forbidden(`You cannot grant permissions you do not have: ${lacking.join(', ')}`);
}

/** The permissions in `next` that `previous` did not have. */
export const additions = (previous: readonly Permission[], next: readonly Permission[]): Permission[] =>
  next.filter((p) => !previous.includes(p));

/** Kicking or banning: never the owner, never oneself, never someone at or above the actor's highest role. */
export function assertCanRemove(actor: Actor, target: Actor, action: 'kick' | 'ban'): void {
  if (target.view.isOwner) throw forbidden(`The owner cannot be ${action === 'kick' ? 'kicked' : 'banned'}`);
  if (target.view.userId === actor.view.userId) {
    throw new AppError('FORBIDDEN', action === 'kick' ? 'You cannot kick yourself; leave the server instead' : 'You cannot ban yourself');
  }
  if (target.view.isMember && target.highest >= actor.highest) {
    throw forbidden(`You can only ${action} members whose highest role is below yours`);
  }
}
