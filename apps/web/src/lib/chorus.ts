import { ChorusClient, type Session, type SessionStore } from '@chorus/client';

const KEY = 'chorus.session';

/**
 * The session lives in localStorage so it survives a reload. It is read on every use, so a tab sees
 * the pair another tab rotated; rotations run under a Web Lock shared by every tab of this origin.
 */
const localSessionStore: SessionStore = {
  load() {
    try {
      const raw = localStorage.getItem(KEY);
      return raw ? (JSON.parse(raw) as Session) : null;
    } catch {
      return null;
    }
  },
  save(session) {
    if (session) localStorage.setItem(KEY, JSON.stringify(session));
    else localStorage.removeItem(KEY);
  },
};

type Listener = (session: Session | null) => void;
const listeners = new Set<Listener>();

export const chorus = new ChorusClient({
  baseUrl: '',
  sessionStore: localSessionStore,
  refreshLock: <T>(work: () => Promise<T>): Promise<T> =>
    navigator.locks ? (navigator.locks.request('chorus.refresh', work) as Promise<T>) : work(),
  onSessionChange: (session) => listeners.forEach((l) => l(session)),
});

/** Subscribe to log-ins, rotations and log-outs (this tab's, and other tabs' through the storage event). */
export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  const fromOtherTab = (e: StorageEvent) => e.key === KEY && listener(localSessionStore.load());
  window.addEventListener('storage', fromOtherTab);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', fromOtherTab);
  };
}
