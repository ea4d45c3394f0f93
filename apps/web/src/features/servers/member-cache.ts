import type { QueryClient } from '@tanstack/react-query';
import type { ListMembersResponse, Message } from '@chorus/contracts';
import { keys } from '../../lib/query-client';

type Members = ListMembersResponse['members'];

/**
 * Chorus has no "member joined/left" socket event yet (presence, SPEC 11, will carry it per server), so
 * the member list learns of changes in two ways: a message from someone it does not list means they
 * joined (refetch the list and the server's count now), and the list itself refetches on focus and
 * every 30 s while it is on screen (`useMembers`), which also catches people who left.
 */
export function noteAuthor(client: QueryClient, message: Message): void {
  const { serverId } = message;
  // A DM (SPEC 10) has no member list.
  if (serverId === null) return;
  const members = client.getQueryData<Members>(keys.members(serverId));
  if (!members || members.some((m) => m.userId === message.author.id)) return;
  void client.invalidateQueries({ queryKey: keys.members(serverId) });
  void client.invalidateQueries({ queryKey: keys.server(serverId), exact: true });
}
