/**
 * What a test file's beforeAll starts, seen from module level (where tests and helpers are declared
 * before anything runs): each of `keys` reads through to `current()` at the time it is read, and
 * throws a clear error when that is before beforeAll ran, or when the part was not asked for.
 */
export function startedView<T extends object, K extends keyof T>(
  what: string,
  current: () => Partial<T> | undefined,
  keys: readonly K[],
): Pick<T, K> {
  const view = {} as Pick<T, K>;
  for (const key of keys) {
    Object.defineProperty(view, key, {
      enumerable: true,
      get() {
        const value = current()?.[key];
        if (value === undefined) throw new Error(`${what}: ${String(key)} read before beforeAll started it (or not asked for)`);
        return value;
      },
    });
  }
  return view;
}
