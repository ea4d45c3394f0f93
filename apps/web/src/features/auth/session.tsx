import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Session } from '@chorus/client';
import { chorus, onSessionChange } from '../../lib/chorus';
import { queryClient } from '../../lib/query-client';

interface SessionValue {
  session: Session | null;
  user: Session['user'] | null;
  logout(): Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

/** Who is logged in. The token pair itself stays in the client (libs/client); this tracks its changes. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(() => chorus.session);
  useEffect(
    () =>
      onSessionChange((next) => {
        setSession(next);
        if (!next) queryClient.clear();
      }),
    [],
  );
  const value = useMemo<SessionValue>(() => ({ session, user: session?.user ?? null, logout: () => chorus.auth.logout() }), [session]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
