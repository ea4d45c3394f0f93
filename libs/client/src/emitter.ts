/** A tiny typed event emitter that runs the same in browsers and Node. */
export class Emitter<Events extends { [K in keyof Events]: (...args: never[]) => void }> {
  private readonly handlers = new Map<keyof Events, Set<(...args: never[]) => void>>();

  /** Adds a handler; returns the function that removes it (handy as a React effect cleanup). */
  on<K extends keyof Events>(event: K, handler: Events[K]): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler);
    return () => void set.delete(handler);
  }

  protected emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): void {
    for (const handler of [...(this.handlers.get(event) ?? [])]) (handler as (...a: Parameters<Events[K]>) => void)(...args);
  }
}
