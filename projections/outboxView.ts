import { GrowingMap, type ShardedMap, shardFor, shardedMap } from './growingMap.js';
import { isCheckpoint } from '../eventstore/checkpoints.js';
import {
  type RecordedChannelConfig,
  type DeliveryEvent,
  type DeliveryState,
  type NotificationRecordedData,
  evolveDelivery,
  notificationRules,
} from '../domain/index.js';
import type { RecordedEvent } from '../eventstore/port.js';
import { sharedShape } from './intern.js';
import type { Projection } from './runner.js';

export type InboxRow = NotificationRecordedData & { read: boolean; recordedAt: string; position: number };
export type DeliveryRow = {
  /** `<notificationId>/<channelId>`: the pair delivered once. */
  key: string;
  notificationId: string;
  channelId: string;
  state: DeliveryState;
  lastError: string | null;
  updatedAt: string;
};
export type PreferencesRow = { channels: string[]; dailyDigest: boolean; email: string | null };
/** A fact worth a notification whose notifications are not recorded yet (only the small fields of its data are kept). */
export type PendingFact = { id: string; type: string; data: Record<string, unknown>; position: number };

export type OutboxViewState = {
  notifications: GrowingMap<InboxRow>;
  /** Each user's notifications, oldest first. */
  byRecipient: Map<string, string[]>;
  deliveries: GrowingMap<DeliveryRow>;
  channels: Map<string, { channelId: string; name: string; config: RecordedChannelConfig; configuredAt: string }>;
  preferences: Map<string, PreferencesRow>;
  /** Where each account was registered in the log: a fact tells only those who were there. */
  userSince: Map<string, number>;
  /**
   * Facts worth a notification whose notifications are not recorded yet, by the fact's event id. Only
   * those after where notifying began (`NotificationsBegan`): the notifier records none before it
   * (a log's history gets no notifications), so they are let go when it is applied (issue 12, aim 2:
   * every such fact of a long history, some 30 MB per million events, was kept for nothing). In shards: a history's
   * facts are all pending until then (~150,000 at a million events, ~1.5 million at ten), and one Map of them held the
   * loop 45 ms when its table doubled at 131,072, 190–280 ms at 1,048,576 (issue 12, aim 3).
   */
  pending: ShardedMap<PendingFact>;
  /**
   * The last facts set pending, oldest first (RECENT to twice as many; some may be recorded since), and the position of the
   * newest fact let go from their start (-1 while none was): where notifying began, the facts after it are found among
   * these rather than by a walk over every pending fact (see `NotificationsBegan`).
   */
  recent: PendingFact[];
  recentFrom: number;
  /** A delivery's id (its stream) to its key, once claimed. */
  deliveryKeys: GrowingMap<string>;
};

/** Whether the fact of this event id is pending. */
export const isPending = (view: OutboxViewState, id: string): boolean => shardFor(view.pending, id).has(id);

/** The pending facts, in no particular order. */
export const pendingFacts = (view: OutboxViewState): PendingFact[] => view.pending.flatMap((shard) => [...shard.values()]);

export const deliveryKey = (notificationId: string, channelId: string) => `${notificationId}/${channelId}`;

/** How many of the last facts set pending `recent` keeps at least: more than a start appends between reading the head and marking where notifying began. */
const RECENT = 64;

/** Keeps the scalar fields of a fact's data that the rules read (an evidence list is not kept in memory). */
function smallData(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => typeof v === 'number' || (typeof v === 'string' && v.length <= 2000)));
}

/** The outbox (通知): inboxes, deliveries and their outcomes, channels, preferences, and facts still to notify. */
export const outboxView: Projection<OutboxViewState> = {
  name: 'outbox',
  // 2: the facts before `NotificationsBegan` let go when it is applied.
  // 3: notifications, deliveries and their keys in GrowingMaps (a snapshot keeps them as such).
  // 4: the last facts set pending kept apart too (`recent`).
  // 5: the pending facts in a GrowingMap (e33612e, reverted: snapshots of it were written, so 5 is not used again).
  // 6: the pending facts in shards.
  version: 6,
  initial: () => ({
    notifications: new GrowingMap(),
    byRecipient: new Map(),
    deliveries: new GrowingMap(),
    channels: new Map(),
    preferences: new Map(),
    userSince: new Map(),
    pending: shardedMap(),
    recent: [],
    recentFrom: -1,
    deliveryKeys: new GrowingMap(),
  }),
  apply(view, event: RecordedEvent) {
    // Nothing to notify; and a checkpoint's data is parsed only when read (13 MB for a million events' first).
    if (isCheckpoint(event)) return;
    // biome-ignore lint/suspicious/noExplicitAny: the codec checked the event against its schema; fields are read per event type below
    const data = event.data as Record<string, any>;
    const at = event.metadata.occurredAt;
    if (notificationRules[event.type]) {
      const fact = { id: event.id, type: event.type, data: smallData(data), position: event.position };
      shardFor(view.pending, event.id).set(event.id, fact);
      view.recent.push(fact);
      if (view.recent.length >= 2 * RECENT) view.recentFrom = view.recent.splice(0, RECENT).at(-1)!.position;
      return;
    }
    switch (event.type) {
      case 'NotificationsBegan': {
        // Only the facts after where notifying began stay pending: a log's history gets no notifications. Those are the
        // last ones set, found among `recent` when its oldest is at or before `from` (or none was let go from it). A walk
        // over every pending fact (~150,000 at a million events) held a first start's event loop 53 ms even once they
        // went to a new map instead of being deleted one by one (30–250 ms before; issue 12, aim 3). The walk is left for a
        // log with more facts appended between a start's reading of its head and its marking than `recent` keeps.
        const from = (data as { fromPosition: number }).fromPosition;
        const after = shardedMap<PendingFact>();
        const kept: PendingFact[] = [];
        const isKept = (fact: PendingFact) => fact.position > from && shardFor(view.pending, fact.id).get(fact.id) === fact;
        if (view.recentFrom <= from) {
          for (const fact of view.recent) if (isKept(fact)) kept.push(fact);
        } else {
          for (const shard of view.pending) for (const fact of shard.values()) if (fact.position > from) kept.push(fact);
          kept.sort((a, b) => a.position - b.position);
        }
        for (const fact of kept) shardFor(after, fact.id).set(fact.id, fact);
        view.pending = after;
        view.recent = kept;
        view.recentFrom = from;
        return;
      }
      case 'UserRegistered':
        view.userSince.set(data.userId, event.position);
        return;
      case 'NotificationRecorded': {
        const n = data as NotificationRecordedData;
        shardFor(view.pending, n.sourceEventId).delete(n.sourceEventId);
        view.notifications.set(n.notificationId, sharedShape({ ...n, read: false, recordedAt: at, position: event.position }));
        const list = view.byRecipient.get(n.recipientUserId) ?? [];
        list.push(n.notificationId);
        view.byRecipient.set(n.recipientUserId, list);
        for (const channelId of n.channels) {
          const key = deliveryKey(n.notificationId, channelId);
          view.deliveries.set(key, {
            key,
            notificationId: n.notificationId,
            channelId,
            state: { status: 'none' },
            lastError: null,
            updatedAt: at,
          });
        }
        return;
      }
      case 'NotificationRead': {
        const row = view.notifications.get(data.notificationId);
        if (row) row.read = true;
        return;
      }
      case 'DeliveryClaimed':
      case 'DeliverySucceeded':
      case 'DeliveryFailed': {
        if (event.type === 'DeliveryClaimed') view.deliveryKeys.set(data.deliveryId, deliveryKey(data.notificationId, data.channelId));
        const row = view.deliveries.get(view.deliveryKeys.get(data.deliveryId) ?? '');
        if (!row) return;
        row.state = evolveDelivery(row.state, event as unknown as DeliveryEvent);
        if (event.type === 'DeliveryFailed') row.lastError = data.error;
        row.updatedAt = at;
        return;
      }
      case 'NotificationChannelConfigured':
        view.channels.set(data.channelId, { channelId: data.channelId, name: data.name, config: data.config, configuredAt: at });
        return;
      case 'NotificationChannelRemoved':
        view.channels.delete(data.channelId);
        return;
      case 'NotificationPreferencesSet':
        view.preferences.set(data.userId, { channels: data.channels, dailyDigest: data.dailyDigest, email: data.email });
        return;
    }
  },
};
