/**
 * `JSON.parse` for untrusted bytes: the parsed value, or `undefined` when it is not JSON. The caller
 * still validates the value with its schema; this only spares it the try/catch.
 */
export function parseJson(text: string | Buffer | Uint8Array): unknown {
  try {
    return JSON.parse(typeof text === 'string' ? text : Buffer.from(text).toString('utf8'));
  } catch {
    return undefined;
  }
}
