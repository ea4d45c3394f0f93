// cluster-key-slot (ioredis's own dependency) ships no types: the Redis Cluster hash slot of a key.
declare module 'cluster-key-slot' {
  /** CRC16 of the key's hash tag (the part between the first `{` and the next `}`, if any) mod 16384. */
  function calculateSlot(key: string | Buffer): number;
  namespace calculateSlot {
    /** The one slot of all these keys, or -1 when they do not share one. */
    function generateMulti(keys: (string | Buffer)[]): number;
  }
  export default calculateSlot;
}
