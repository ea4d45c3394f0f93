import { useState } from 'react';

/**
 * What a mutation was just asked to do, from the click on until it settles, for controls that show the
 * change in flight (checkboxes, switches). The state is set in the click's own event, which React flushes
 * before the browser paints; a mutation's own `isPending`/`variables` arrive a tick later, and until then a
 * controlled checkbox snaps back (and an automated `check()` sees it unchanged: a flaky browser test).
 * The mutation's own `onSettled` (refetches) runs before this one clears the intent, so nothing flickers.
 */
export function useIntent<V>(mutation: { mutate(variables: V, options: { onSettled(): void }): void }) {
  const [intent, setIntent] = useState<V>();
  const run = (variables: V) => {
    setIntent(variables);
    mutation.mutate(variables, { onSettled: () => setIntent(undefined) });
  };
  return [intent, run] as const;
}
