import { randomUUID } from 'node:crypto';
import { type DeliveryState, deliveryDecider, deliveryDue, deliveryStreamId } from '../../domain/index.js';
import { type CommandContext, handleCommand } from '../../eventstore/commandHandler.js';
import type { EventStore } from '../../eventstore/port.js';
import { accountsView } from '../../projections/accountsView.js';
import { type DeliveryRow, outboxView } from '../../projections/outboxView.js';
import type { ProjectionRunner } from '../../projections/runner.js';
import { deliveryIdFor, SYSTEM_ACTOR } from './notifier.js';
import type { Senders } from './senders.js';

export type DispatcherSettings = {
  /** How often pending deliveries are looked for (new notifications and failures also wake it). */
  pollMs: number;
  /** One send's time limit. */
  timeoutMs: number;
  /** How long a claim holds: past it, another dispatcher may take the delivery over (its claimant crashed). */
  leaseMs: number;
  /** The first retry's wait; each later one doubles it (capped at an hour). */
  backoffMs: number;
  /** Attempts before giving up (the failure stays visible to the admin). */
  maxAttempts: number;
  /** Sends under way at once per channel (one by default: a crash can then repeat at most one message per channel, and the receiver can tell it by its delivery id). Channels never wait for each other. */
  concurrencyPerChannel: number;
  /** Told of each attempt's outcome (the metrics: application/metrics.ts). */
  onDelivered?: (delivery: { channelId: string; kind: string; outcome: 'succeeded' | 'failed' | 'gave_up' }) => void;
};

export const defaultDispatcherSettings: DispatcherSettings = {
  pollMs: 2000,
  timeoutMs: 10_000,
  leaseMs: 60_000,
  backoffMs: 5000,
  maxAttempts: 8,
  concurrencyPerChannel: 1,
};

/**
 * Delivers each (notification, channel) pair: claim on the delivery's own stream (the revision
 * decides which dispatcher sends), send, record the outcome at once. A crash between the send and
 * the outcome's append leaves a claim whose lease runs out, and the pair is sent again with the
 * same delivery id: at least once, with a stable id a receiver can tell the repeat by.
 */
export class Dispatcher {
  private readonly inFlight = new Set<string>();
  private readonly active = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly processId = randomUUID();

  constructor(
    private readonly store: EventStore,
    private readonly runner: ProjectionRunner,
    private readonly senders: Senders,
    private readonly clock: () => string,
    private readonly settings: DispatcherSettings,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), this.settings.pollMs);
    this.unsubscribe = this.runner.onApplied((event) => {
      if (event.type === 'NotificationRecorded' || event.type === 'DeliverySucceeded') queueMicrotask(() => this.tick());
    });
    this.tick();
  }

  /** Starts every due delivery its channel has room for. */
  tick(): void {
    if (!this.unsubscribe) return;
    const view = this.runner.state(outboxView);
    const now = this.clock();
    for (const row of view.deliveries.values()) {
      if (this.inFlight.has(row.key) || !deliveryDue(row.state, now) || !view.channels.has(row.channelId)) continue;
      const active = this.active.get(row.channelId) ?? 0;
      if (active >= this.settings.concurrencyPerChannel) continue;
      this.active.set(row.channelId, active + 1);
      this.inFlight.add(row.key);
      const run = this.deliver(row)
        .catch((error: unknown) => console.error(`Delivery ${row.key} could not be recorded:`, error))
        .finally(() => {
          this.inFlight.delete(row.key);
          this.active.set(row.channelId, (this.active.get(row.channelId) ?? 1) - 1);
          this.running.delete(run);
          if (this.unsubscribe) setImmediate(() => this.tick());
        });
      this.running.add(run);
    }
  }

  private context(): CommandContext {
    return { actor: SYSTEM_ACTOR, commandId: randomUUID(), now: this.clock };
  }

  private async deliver(row: DeliveryRow): Promise<void> {
    const view = this.runner.state(outboxView);
    const deliveryId = deliveryIdFor(row.notificationId, row.channelId);
    const streamId = deliveryStreamId(deliveryId);
    const leaseUntil = new Date(Date.parse(this.clock()) + this.settings.leaseMs).toISOString();
    const claim = await handleCommand(
      this.store,
      streamId,
      deliveryDecider,
      {
        type: 'ClaimDelivery',
        data: { deliveryId, notificationId: row.notificationId, channelId: row.channelId, leaseUntil, claimedBy: this.processId },
      },
      this.context(),
    );
    if (claim.events.length === 0) return; // someone else has it, or it is done
    const attempt = (claim.state as Extract<DeliveryState, { status: 'claimed' }>).attempt;
    const notification = view.notifications.get(row.notificationId)!;
    const channel = view.channels.get(row.channelId);
    const recipient = this.runner.state(accountsView).users.get(notification.recipientUserId);
    let error: string | null = null;
    try {
      if (!channel) throw new Error(`channel ${row.channelId} was removed`);
      await withTimeout(
        this.senders.send(row.channelId, channel.config, {
          deliveryId,
          notificationId: notification.notificationId,
          kind: notification.kind,
          subject: notification.subject,
          body: notification.body,
          to: view.preferences.get(notification.recipientUserId)?.email ?? null,
          recipient: { userId: notification.recipientUserId, name: recipient?.displayName ?? '' },
        }),
        this.settings.timeoutMs * 2,
      );
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
    }
    const giveUp = error !== null && attempt >= this.settings.maxAttempts;
    this.settings.onDelivered?.({
      channelId: row.channelId,
      kind: channel?.config.kind ?? 'removed',
      outcome: error === null ? 'succeeded' : giveUp ? 'gave_up' : 'failed',
    });
    const wait = Math.min(this.settings.backoffMs * 2 ** (attempt - 1), 3_600_000);
    const nextAttemptAt = error === null || giveUp ? null : new Date(Date.parse(this.clock()) + wait).toISOString();
    await handleCommand(
      this.store,
      streamId,
      deliveryDecider,
      { type: 'RecordDeliveryOutcome', data: { deliveryId, attempt, error, nextAttemptAt } },
      this.context(),
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await Promise.allSettled([...this.running]);
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
