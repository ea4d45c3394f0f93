// `@chorus/contracts` imports `randomUUID` from node:crypto for broker envelopes, which the browser
// never builds; this stands in so the bundle has no Node built-in in it.
export const randomUUID = (): string => globalThis.crypto.randomUUID();
