import type { EventStore, RecordedEvent } from '../eventstore/port.js';

/**
 * A projection: a pure fold of the log into a read model. `apply` may mutate the state it is given
 * (the runner owns it) so a rebuild over a million events does not copy on every step.
 */
export type Projection<State> = {
  name: string;
  /** Bumped whenever the shape of the state or the meaning of `apply` changes. */
  version: number;
  initial: () => State;
  apply: (state: State, event: RecordedEvent) => void;
};

type Waiter = { position: number; resolve: () => void };

/**
 * Builds every projection from the log at start, then follows new events through the store's
 * subscription. Read models are never updated beside an append: a write becomes visible when the
 * log delivers it, and `waitFor(position)` lets a client that just wrote read its write.
 */
export class ProjectionRunner {
  private readonly states = new Map<string, unknown>();
  private waiters: Waiter[] = [];
  private abort = new AbortController();
  private following: Promise<void> | undefined;
  private listeners = new Set<(event: RecordedEvent) => void>();
  /** Global position of the last event applied to every projection (-1 before the first). */
  position = -1;
  failure: unknown;

  constructor(
    private readonly store: EventStore,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each projection keeps its own state type
    private readonly projections: readonly Projection<any>[],
  ) {
    for (const p of projections) this.states.set(p.name, p.initial());
  }

  /** Catches up with the log as it is now, then keeps following it in the background. */
  async start(): Promise<void> {
    const head = await this.store.headPosition();
    const caughtUp = this.waitFor(head);
    this.following = this.store
      .subscribeToAll({ after: this.position, signal: this.abort.signal }, (event) => this.apply(event))
      .catch((error: unknown) => {
        this.failure = error;
        console.error('Projection runner stopped:', error);
      });
    await caughtUp;
  }

  private apply(event: RecordedEvent): void {
    for (const projection of this.projections) projection.apply(this.states.get(projection.name), event);
    this.position = event.position;
    for (const listener of this.listeners) listener(event);
    if (this.waiters.length > 0) {
      const ready = this.waiters.filter((w) => w.position <= event.position);
      this.waiters = this.waiters.filter((w) => w.position > event.position);
      for (const w of ready) w.resolve();
    }
  }

  /** Resolves once every projection has applied the event at `position` (or later). */
  waitFor(position: number, timeoutMs = 10_000): Promise<void> {
    if (position <= this.position) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`Read models did not reach position ${position} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }

  state<S>(projection: Projection<S>): S {
    return this.states.get(projection.name) as S;
  }

  /** Called after each event is applied (for live pushes to clients). */
  onApplied(listener: (event: RecordedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.following;
  }
}
