import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ObservedEventStore } from './observed.js';
import { HashChainedEventStore } from './hashChain.js';
import { type EventStore, type LeaseStore, isLeaseStore } from './port.js';

/** Work that runs only while this server holds the lease: started when it takes it, stopped when it loses it. */
export type LeasedWork = { start(): Promise<void> | void; stop(): Promise<void> };

/** The lease over the work that must run on one server at a time (checkpoints, the scheduler). */
export const ONCE_ONLY_LEASE = 'once-only-work';

export type OnceOnlyOptions = {
  /** This server's name among those sharing the store; unique per process (a random tail is added). */
  node?: string;
  /** How long a lease lasts unrenewed (seconds): the longest a dead holder's work waits for another server. */
  seconds?: number;
  /** How often the holder renews and the others ask (ms); a third of the lease by default. */
  everyMs?: number;
  log?: (message: string, error?: unknown) => void;
};

/** The leases a store keeps, under the decorators the application wraps it in; none for KurrentDB. */
export function leasesOf(store: EventStore): LeaseStore | undefined {
  if (isLeaseStore(store)) return store;
  if (store instanceof ObservedEventStore || store instanceof HashChainedEventStore) return leasesOf(store.inner);
  return undefined;
}

/** A name for this process among the servers on one store: the node's name (or host), the pid, and a random tail. */
export const nodeName = (node = hostname()) => `${node}:${process.pid}:${randomBytes(3).toString('hex')}`;

/**
 * 单节点任务: work that must run on one server at a time, run on whichever holds the lease in the
 * store. Every server asks for the lease every `everyMs`: the holder renews it, the others are told
 * who holds it. A holder that dies stops renewing; the first server to ask after the lease expired
 * takes it and starts the work (within `seconds` plus `everyMs`). A holder that cannot reach the
 * store stops its work once its lease has surely lapsed, before another can have taken it. A store
 * that keeps no leases (KurrentDB) makes every server a holder: the work is idempotent, so that costs
 * duplicated effort, not duplicated facts. Starting and stopping the work never holds up renewing
 * (a scheduler catching up on start may take longer than a lease).
 */
export class OnceOnlyWork {
  readonly node: string;
  /** Who held the lease at the last look (this node when it does); undefined before the first answer. */
  holder: string | undefined;
  /** Times this node took the lease (a start counts). */
  takeovers = 0;
  private holding = false;
  private readonly work: LeasedWork[] = [];
  private readonly seconds: number;
  private readonly everyMs: number;
  private readonly log: (message: string, error?: unknown) => void;
  private timer: NodeJS.Timeout | undefined;
  private looking: Promise<void> | undefined;
  /** Starts and stops of the work, one after another. */
  private transitions: Promise<void> = Promise.resolve();
  /** Until when (this process's clock) the lease is surely still ours: asked at this instant, for `seconds`. */
  private surelyHeldUntil = 0;

  constructor(
    private readonly leases: LeaseStore | undefined,
    { node = nodeName(), seconds = 15, everyMs, log = (message, error) => console.error(message, error ?? '') }: OnceOnlyOptions = {},
  ) {
    this.node = node;
    this.seconds = seconds;
    this.everyMs = everyMs ?? Math.max(100, Math.floor((seconds * 1000) / 3));
    this.log = log;
  }

  /** True while this node holds the lease and runs the work. */
  get held(): boolean {
    return this.holding;
  }

  /** Adds work under the lease, started at once when this node holds it. */
  async add(work: LeasedWork): Promise<void> {
    this.work.push(work);
    if (this.holding) await this.transition(async () => work.start());
  }

  /** Asks for the lease once (starting the work if it is taken), then keeps asking. */
  async start(): Promise<void> {
    await this.look();
    await this.transitions;
    this.timer = setInterval(() => {
      this.looking ??= this.look().finally(() => {
        this.looking = undefined;
      });
    }, this.everyMs);
    this.timer.unref();
  }

  /** Stops the work and gives the lease up, so another server takes it at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.looking;
    if (this.holding) await this.lose();
    await this.transitions;
    if (this.leases && this.holder === this.node)
      await this.leases.releaseLease(ONCE_ONLY_LEASE, this.node).catch((error: unknown) => this.log('Could not release the lease:', error));
    this.holder = undefined;
  }

  private async look(): Promise<void> {
    if (!this.leases) {
      this.holder = this.node;
      if (!this.holding) this.take();
      return;
    }
    const asked = Date.now();
    try {
      const { holder } = await this.leases.acquireLease(ONCE_ONLY_LEASE, this.node, this.seconds);
      this.holder = holder;
      if (holder === this.node) {
        this.surelyHeldUntil = asked + this.seconds * 1000;
        if (!this.holding) this.take();
      } else if (this.holding) await this.lose();
    } catch (error) {
      this.log('Could not ask for the once-only lease:', error);
      // A third of the lease before it lapses: room for a late timer and for clocks that run apart.
      if (this.holding && Date.now() >= this.surelyHeldUntil - (this.seconds * 1000) / 3) await this.lose();
    }
  }

  private take(): void {
    this.holding = true;
    this.takeovers += 1;
    for (const work of this.work) void this.transition(async () => work.start());
  }

  private lose(): Promise<void> {
    this.holding = false;
    return Promise.all(this.work.map((work) => this.transition(() => work.stop()))).then(() => undefined);
  }

  private transition(step: () => Promise<void>): Promise<void> {
    this.transitions = this.transitions.then(step).catch((error: unknown) => this.log('Once-only work failed to start or stop:', error));
    return this.transitions;
  }
}
