import { v5 as uuidv5 } from 'uuid';
import {
  type Directory,
  type NotificationDraft,
  isAssigned,
  notificationsBeganStreamId,
  notificationsFor,
  notificationsStreamId,
} from '../../domain/index.js';
import {
  DuplicateEventIdError,
  type EventMetadata,
  type EventStore,
  type NewEvent,
  type StreamAppend,
  WrongExpectedRevisionError,
} from '../../eventstore/port.js';
import { accountsView } from '../../projections/accountsView.js';
import { ledgerView } from '../../projections/ledgerView.js';
import { type OutboxViewState, type PendingFact, isPending, outboxView, pendingFacts } from '../../projections/outboxView.js';
import type { ProjectionRunner } from '../../projections/runner.js';

const NOTIFICATION_NAMESPACE = '9d3b6c1e-52a4-4f0e-8b7d-1c2e3f4a5b6c';
/** Facts whose notifications go to the store in one append: a scheduler's day over 100,000 problems sets off about 2,800. */
const RECORD_CHUNK = 1_000;
/** A notification's id follows from the fact and the recipient: a replay or a second server records the same one. */
export const notificationIdFor = (sourceEventId: string, recipientUserId: string, kind = '') =>
  uuidv5(`${sourceEventId}/${recipientUserId}${kind ? `/${kind}` : ''}`, NOTIFICATION_NAMESPACE);
export const deliveryIdFor = (notificationId: string, channelId: string) =>
  uuidv5(`${notificationId}/${channelId}`, NOTIFICATION_NAMESPACE);
export const eventIdOf = (entityId: string, what: string) => uuidv5(`${entityId}/${what}`, NOTIFICATION_NAMESPACE);

export const SYSTEM_ACTOR: EventMetadata['actor'] = { userId: 'system', name: '通知服务', unitId: null, role: 'system' };

/** How late a digest may still be sent: two days (yesterday's still is; last month's is not). */
export const STALE_DIGEST_MS = 2 * 86_400_000;
const DIGESTS = new Set(['DailyOverdueDigestDue', 'DailyDigestDue']);

export function systemMetadata(commandId: string, occurredAt: string): EventMetadata {
  return { actor: SYSTEM_ACTOR, commandId, correlationId: commandId, causationId: commandId, occurredAt, schemaVersion: 1 };
}

/**
 * Follows the log and records, for each fact worth telling (see `notificationRules`), one
 * notification per recipient — all of a fact's recipients in the fact's own stream, expected to be
 * new. Two servers, a replay or a restart record nothing twice: the second append finds the stream
 * there (or the same event ids) and stops. The facts pending together (a scheduler pass sets off
 * thousands) are recorded together, up to RECORD_CHUNK streams in one multi-stream append (one
 * durable commit, all or nothing); when another process recorded some of them first, nothing of that
 * append is written and each fact's stream goes alone, as before, those already there left as they are.
 */
export class Notifier {
  private fromPosition: number | undefined;
  private draining: Promise<void> | undefined;
  private again = false;
  private unsubscribe: (() => void) | undefined;
  /** Facts this process has handled already (recorded, or found with nobody to tell). */
  private readonly handled = new Set<string>();
  /** Whether `NotificationsBegan` is known to be in the log (then recording need not read its stream again). */
  private beganRecorded = false;

  constructor(
    private readonly store: EventStore,
    private readonly runner: ProjectionRunner,
    private readonly clock: () => string,
  ) {}

  async start(): Promise<void> {
    const [began] = await this.store.readStream(notificationsBeganStreamId);
    if (began) {
      this.fromPosition = (began.data as { fromPosition: number }).fromPosition;
      this.beganRecorded = true;
    } else {
      // A log with a history gets no notifications for it; an empty log is notified from its start (marked lazily).
      const head = await this.store.headPosition();
      if (head >= 0) await this.markBeginning(head);
      else this.fromPosition = -1;
    }
    this.unsubscribe = this.runner.onApplied((event) => {
      if (isPending(this.view(), event.id)) this.kick();
    });
    this.kick();
  }

  private async markBeginning(fromPosition: number): Promise<void> {
    try {
      await this.store.appendToStream(
        notificationsBeganStreamId,
        [
          {
            id: eventIdOf('notifications', 'began'),
            type: 'NotificationsBegan',
            data: { fromPosition },
            metadata: systemMetadata('notifications-began', this.clock()),
          },
        ],
        'no_stream',
      );
      this.fromPosition = fromPosition;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError || error instanceof DuplicateEventIdError)) throw error;
      const [began] = await this.store.readStream(notificationsBeganStreamId);
      this.fromPosition = (began!.data as { fromPosition: number }).fromPosition;
    }
    this.beganRecorded = true;
  }

  private view(): OutboxViewState {
    return this.runner.state(outboxView);
  }

  /** Records what is pending, in log order, many facts per append; a kick while draining drains again after. */
  kick(): void {
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = (async () => {
      // The facts in the log now (a pass's events are appended together) are recorded together. Waiting for one turn
      // was not enough: the follower yields between events once a slice has passed (issue 12), so on a busy machine a
      // pass's 25 deadlines were applied over two turns and recorded in two appends. Past 10 s, what is pending goes.
      const head = await this.store.headPosition();
      await this.runner.waitFor(head).catch(() => undefined);
      do {
        this.again = false;
        const pending = pendingFacts(this.view())
          .filter((f) => f.position > this.fromPosition! && !this.handled.has(f.id))
          .sort((a, b) => a.position - b.position);
        for (let i = 0; i < pending.length; ) {
          // A digest reads the notifications recorded before it: it goes alone, after the facts before it are appended.
          let end = i + 1;
          if (pending[i]!.type !== 'DailyDigestDue')
            while (end < pending.length && end - i < RECORD_CHUNK && pending[end]!.type !== 'DailyDigestDue') end++;
          const facts = pending.slice(i, end);
          await this.recordAll(facts);
          for (const fact of facts) this.handled.add(fact.id);
          i = end;
        }
      } while (this.again && this.unsubscribe);
    })()
      .catch((error: unknown) => console.error('Notifier stopped recording:', error))
      .finally(() => {
        this.draining = undefined;
        // A fact applied after the loop's last look but before this point would otherwise wait for the next fact.
        if (this.again && this.unsubscribe) this.kick();
      });
  }

  /** The notifications of one fact, recorded in one append. */
  record(fact: PendingFact): Promise<void> {
    return this.recordAll([fact]);
  }

  /** The notifications of some facts, each fact's in its own stream, all in one append (in the facts' order). */
  private async recordAll(facts: readonly PendingFact[]): Promise<void> {
    const parts: StreamAppend[] = [];
    for (const fact of facts) {
      const events = await this.notificationsOf(fact);
      if (events.length > 0) parts.push({ streamId: notificationsStreamId(fact.id), events, expected: 'no_stream' });
    }
    if (parts.length === 0) return;
    if (!this.beganRecorded) {
      const [began] = await this.store.readStream(notificationsBeganStreamId, { maxCount: 1 });
      if (began) this.beganRecorded = true;
      else await this.markBeginning(-1);
    }
    try {
      await this.store.appendMany(parts);
    } catch (error) {
      if (!isRecordedAlready(error)) throw error;
      // Another server (or this one before a restart) recorded some of them first: the rest go one by one.
      for (const { streamId, events } of parts)
        try {
          await this.store.appendToStream(streamId, events, 'no_stream');
        } catch (error) {
          if (!isRecordedAlready(error)) throw error;
        }
    }
  }

  /** The notification events of one fact, for each of its recipients (none when it tells nobody). */
  private async notificationsOf(fact: PendingFact): Promise<NewEvent[]> {
    // A digest sums up its day. One the scheduler wrote on catching up long after its day (a server
    // down for days, or the first start on a county's old log) stays in the record, but is not sent:
    // the next digest covers what is still unread or overdue. Other moments are told however late.
    if (DIGESTS.has(fact.type) && Date.parse(this.clock()) - Date.parse(String((fact.data as { dueAt?: unknown }).dueAt)) > STALE_DIGEST_MS)
      return [];
    // A digest reads the notifications recorded before it: those of every earlier fact are appended (in log order), now applied too.
    if (fact.type === 'DailyDigestDue') await this.runner.waitFor(await this.store.headPosition());
    const view = this.view();
    const drafts = notificationsFor(fact, this.directoryAt(fact.position));
    if (fact.type === 'DailyDigestDue') drafts.push(...this.digests(fact, view));
    const now = this.clock();
    return drafts.map((draft) => {
      const notificationId = notificationIdFor(fact.id, draft.recipientUserId, draft.kind === 'daily_digest' ? 'digest' : '');
      return {
        id: eventIdOf(notificationId, 'recorded'),
        type: 'NotificationRecorded',
        data: { notificationId, sourceEventId: fact.id, ...draft, channels: this.channelsOf(draft, view) },
        metadata: systemMetadata(`notify/${fact.id}`, now),
      };
    });
  }

  /** The outward channels of one notification: the recipient's choice among the configured ones; none for digest readers but the digest. */
  private channelsOf(draft: NotificationDraft, view: OutboxViewState): string[] {
    const preferences = view.preferences.get(draft.recipientUserId);
    if (!preferences) return [];
    if (preferences.dailyDigest && draft.kind !== 'daily_digest') return [];
    return preferences.channels.filter((id) => {
      const channel = view.channels.get(id);
      return channel !== undefined && (channel.config.kind !== 'smtp' || preferences.email !== null);
    });
  }

  /**
   * 每日汇总: for each user who asked for one, their unread notifications recorded since their last
   * digest, as one. Not only those of facts before the digest's: a fact's notifications recorded after
   * the digest's fact was appended (the day's deadline passing, in the same scheduler pass) would
   * otherwise come before the digest in the inbox and after it in the log, and be in no digest.
   */
  private digests(fact: PendingFact, view: OutboxViewState): NotificationDraft[] {
    const drafts: NotificationDraft[] = [];
    for (const [userId, preferences] of view.preferences) {
      if (!preferences.dailyDigest) continue;
      const mine = (view.byRecipient.get(userId) ?? []).map((id) => view.notifications.get(id)!);
      const lastDigest = mine.findLastIndex((n) => n.kind === 'daily_digest');
      const unread = mine.slice(lastDigest + 1).filter((n) => !n.read);
      if (unread.length === 0) continue;
      drafts.push({
        recipientUserId: userId,
        kind: 'daily_digest',
        subject: `【每日汇总】${String(fact.data.day ?? '')} 共 ${unread.length} 条未读通知`,
        body: unread
          .map((n, i) => `${i + 1}. ${n.subject}`)
          .join('\n')
          .slice(0, 5000),
        problemId: null,
        unitId: null,
      });
    }
    return drafts;
  }

  /** The users who had an account when the fact happened, and what the ledger knows now of problems and units. */
  private directoryAt(position: number): Directory {
    const { userSince } = this.view();
    const ledger = this.runner.state(ledgerView);
    const users = [...this.runner.state(accountsView).users.values()]
      .filter((u) => (userSince.get(u.userId) ?? Number.MAX_SAFE_INTEGER) < position)
      .map((u) => ({ userId: u.userId, roles: u.roles, unitId: u.unitId, active: u.status === 'active' }));
    return {
      users,
      unitOfProblem: (problemId) => {
        const row = ledger.problems.get(problemId);
        return row && isAssigned(row.state) ? row.state.responsibleUnitId : null;
      },
      ledgerNumberOf: (problemId) => ledger.problems.get(problemId)?.state.ledgerNumber ?? problemId,
      unitName: (unitId) => ledger.units.get(unitId)?.name ?? unitId,
    };
  }

  /** Resolves once nothing is being recorded (what is pending now has been appended). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.draining;
  }
}

/** Another writer got there first: the stream exists, or the same event ids are stored. */
const isRecordedAlready = (error: unknown) => error instanceof WrongExpectedRevisionError || error instanceof DuplicateEventIdError;
