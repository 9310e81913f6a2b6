import { type CheckpointPolicy, Checkpointer, defaultCheckpointPolicy } from '../eventstore/checkpoints.js';
import { UnchainedStoreError, rawStore, storedHash } from '../eventstore/hashChain.js';
import type { EventStore } from '../eventstore/port.js';
import { accountsView } from '../projections/accountsView.js';
import { auditTrail } from '../projections/auditView.js';
import { calendarView } from '../projections/calendarInForce.js';
import { hotlineView } from '../projections/hotlineView.js';
import { importsView } from '../projections/importsView.js';
import { ledgerView } from '../projections/ledgerView.js';
import { problemFacts } from '../projections/problemFacts.js';
import { currentIndex, similarityIndex } from '../projections/similarProblems.js';
import { scheduleView } from '../projections/scheduleView.js';
import { ReadModels } from '../projections/readModels.js';
import { ProjectionRunner } from '../projections/runner.js';
import { nextTurn } from '../projections/slices.js';
import type { SnapshotStore } from '../projections/snapshots.js';
import { Accounts } from './accounts.js';
import { Assessment } from './assessment.js';
import { AssessmentReview } from './review.js';
import { Hotline } from './hotline.js';
import { Imports } from './imports/index.js';
import { Integrity } from './integrity.js';
import { Ledger } from './ledger.js';
import { type NotificationOptions, Notifications } from './notifications/index.js';
import { Scheduler, type SchedulerOptions } from './scheduler.js';
import { addWorkingDays } from '../domain/index.js';
import { outboxView } from '../projections/outboxView.js';
import { Reports } from './reports/index.js';
import { ObservedEventStore, type StoreObserver } from '../eventstore/observed.js';
import { Metrics } from './metrics.js';
import { Bulletins } from './bulletin.js';
import { Sweeps } from './sweeps.js';
import { sourceDocumentsView } from '../projections/sourceDocuments.js';
import { SourceDocuments } from './sourceDocuments.js';
import { OnceOnlyWork, type OnceOnlyOptions, leasesOf } from '../eventstore/lease.js';

/** What the use cases take and give back, for their callers: a command's context and result, and recorded events. */
export type { CommandContext, CommandResult } from '../eventstore/commandHandler.js';
export type { EventMetadata, RecordedEvent } from '../eventstore/port.js';

export type ApplicationOptions = {
  /** The injected clock: an ISO instant. */
  clock?: () => string;
  /** When the integrity checkpoints are recorded; false records none (the follower does not run). */
  checkpoints?: CheckpointPolicy | false;
  /** Where the read models' snapshots are kept; none means every start replays the whole log. */
  snapshots?: SnapshotStore;
  /**
   * The read-model database (SQLite) of the read models kept out of the heap (the audit trail): a
   * file beside the data, kept across starts; '' (the default) a private temporary file, gone at close.
   */
  readModelDatabase?: string;
  /** The outbox's settings (poll interval, timeouts, backoff); false records and sends no notifications. */
  notifications?: NotificationOptions | false;
  /** The scheduler's settings (interval, catch-up); false (the default) runs no passes on its own: `scheduler.pass()` still works. */
  scheduler?: SchedulerOptions | false;
  /** Where the metrics are counted (the transport makes it, to serve them at /metrics); a fresh registry when omitted. */
  metrics?: Metrics;
  /** Another watcher of the store's appends and commands, beside the metrics (the transport's read-your-writes). */
  observer?: StoreObserver;
  /** Called with the read side before it catches up with the log, so a caller can show its progress meanwhile. */
  onCatchingUp?: (runner: ProjectionRunner) => void;
  /** This server's name and the lease's length, for the work that runs on one server at a time (eventstore/lease.ts). */
  onceOnly?: OnceOnlyOptions;
};

/**
 * The application: every use case, built once from the store, the clock and the settings. It is
 * the only thing the transport (`api/`), `scripts/` and `bench/` call to change or query state.
 * Commands go through its services; queries read the projections its runner keeps up with the log.
 */
export type Application = {
  /** 台账: raising, assigning, rectifying, verifying and closing problems; units. */
  ledger: Ledger;
  /** Users, sign-in and roles. */
  accounts: Accounts;
  /** 12317 hotline reports and their triage. */
  hotline: Hotline;
  /** Policies, interviews (约谈), exemptions and the year's finalization. */
  assessment: Assessment;
  /** Importing a problem list (问题清单) from a spreadsheet. */
  imports: Imports;
  /** 容错纠错 applications and their review; further assessment items (考核事项). */
  review: AssessmentReview;
  /** Verifying the log (防篡改) and reproducing a finalized year's cards. */
  integrity: Integrity;
  /** 通知: the inbox, preferences, channels and the outbox that delivers them. */
  notifications: Notifications;
  /** Passing time becomes facts: reminders, deadlines passing, escalations, 回头看 (application/scheduler.ts). */
  scheduler: Scheduler;
  /** 通报: the annual assessment report and the quarterly inspection report, as .docx and .xlsx (application/reports/). */
  reports: Reports;
  /** 来源文件: the superiors' documents, their items (文号 + 原编号) and the reconciliation per document (对账). */
  sourceDocuments: SourceDocuments;
  /** The projection runner: the read side, following the log. */
  runner: ProjectionRunner;
  /** Battle map, interview triggers and scorecards, live or as of an instant. */
  readModels: ReadModels;
  /** Records integrity checkpoints as the log grows (absent when switched off). */
  checkpointer: Checkpointer | undefined;
  /**
   * 单节点任务: the checkpointer and the scheduler run only while this server holds the lease in the
   * store; another server on the store takes them over when this one dies (eventstore/lease.ts).
   */
  onceOnly: OnceOnlyWork;
  clock: () => string;
  /** 月通报: the monthly bulletin, drafted, published (frozen) and verified. */
  bulletins: Bulletins;
  /** The store underneath, for the composition root and the tools that open it (never for resolvers). */
  store: EventStore;
  /** The Prometheus metrics of this application (served at /metrics by the transport). */
  metrics: Metrics;
  close: () => Promise<void>;
  /** 举一反三排查: sweeps ordered from one problem, answered by the units asked. */
  sweeps: Sweeps;
};

/** The read models the runner folds, in this order: the audit trail's given (its table is a file of the application's). */
export const readModelProjections = (auditView: ReturnType<typeof auditTrail>) =>
  [
    ledgerView,
    accountsView,
    hotlineView,
    auditView,
    problemFacts,
    outboxView,
    calendarView,
    importsView,
    scheduleView,
    similarityIndex,
    sourceDocumentsView,
  ] as const;

/** Builds the application on a store: checks the log can be extended, starts the read side, finishes cut-short raises and imports. */
export async function createApplication(given: EventStore, options: ApplicationOptions = {}): Promise<Application> {
  const { clock = () => new Date().toISOString(), checkpoints = defaultCheckpointPolicy(), metrics = new Metrics() } = options;
  // Every use case writes through the observed store: the metrics (and the transport's watcher) see each append and command.
  const { observer } = options;
  const store = new ObservedEventStore(given, {
    appended: (...args) => {
      metrics.storeObserver.appended?.(...args);
      observer?.appended?.(...args);
    },
    command: (...args) => {
      metrics.storeObserver.command?.(...args);
      observer?.command?.(...args);
    },
  });
  // The adapter underneath the chain and the observer.
  const adapter = rawStore(store);
  // A store written before the hash chain must be migrated first: new events would chain from nothing.
  const [first] = await adapter.readAll({ maxCount: 1 });
  if (first && storedHash(first) === undefined) throw new UnchainedStoreError(first.streamId, first.revision);
  const auditView = auditTrail(options.readModelDatabase ?? '');
  // The store's writer starts beside the catch-up: the start's first append (the lease, once caught up) waited for its
  // thread to start, with the main thread idle (about 55 ms before ready in a CPU profile of a cold start at 100k events).
  adapter.prepareAppends?.();
  const { logFile } = adapter;
  const runner = new ProjectionRunner(store, readModelProjections(auditView), {
    ...(options.snapshots ? { snapshots: options.snapshots } : {}),
    ...(logFile !== undefined ? { logFile } : {}),
  });
  options.onCatchingUp?.(runner);
  // Made before the start: the as-of history follows the runner's catch-up instead of folding the log a second time.
  const readModels = new ReadModels(store, runner, options.snapshots ? { snapshots: options.snapshots } : {});
  await runner.start();
  // The start's steps below each in a turn of the event loop of their own (issue 12, aim 3): chained through promises
  // that resolve at once, they ran in one block with the read models' last catch-up, the as-of history's and the
  // checkpointer's first reads, 97–128 ms at the end of a warm start at a million events, where /healthz waited.
  await nextTurn();
  metrics.followLog('read_models', runner, store, clock);
  const ledger = new Ledger(store);
  const assessment = new Assessment(store, runner, readModels, clock);
  const integrity = new Integrity(store, readModels);
  const bulletins = new Bulletins(store, runner, readModels, integrity, clock);
  const application: Application = {
    ledger,
    accounts: new Accounts(store, ledger),
    hotline: new Hotline(store, ledger, runner),
    assessment,
    review: new AssessmentReview(store, runner, readModels, assessment, clock),
    imports: new Imports(store, ledger, runner, clock),
    integrity,
    notifications: new Notifications(store, runner, clock, {
      ...(options.notifications || {}),
      onDelivered: ({ channelId, kind, outcome }) => metrics.delivered(channelId, kind, outcome),
    }),
    // Reminders counted in working days (工作日) count on the county calendar in force when the pass runs.
    scheduler: new Scheduler(store, runner, readModels, ledger, clock, {
      workingDays: (day, n) => addWorkingDays(day, n, readModels.calendar(clock())?.document ?? null).day,
      // 月通报: at each county month's end the scheduler publishes the month's bulletin.
      monthEnded: (month, context) => bulletins.publish(month, context),
      ...(options.scheduler || {}),
    }),
    reports: new Reports(readModels, clock, bulletins),
    sourceDocuments: new SourceDocuments(ledger, runner, clock),
    runner,
    readModels,
    // Its state kept beside the read models' (issue 12): a restart reads the log after it, not the whole log for the heads.
    checkpointer: checkpoints ? new Checkpointer(store, checkpoints, clock, options.snapshots) : undefined,
    onceOnly: new OnceOnlyWork(leasesOf(given), options.onceOnly),
    clock,
    bulletins,
    store,
    metrics,
    sweeps: new Sweeps(store, ledger, runner),
    close: async () => {
      await application.onceOnly.stop();
      await application.scheduler.stop();
      await application.notifications.stop();
      await application.checkpointer?.stop();
      readModels.stop();
      await runner.stop();
      auditView.close();
      await store.close();
    },
  };
  // A raise that stopped between its number's reservation and its first event is finished now.
  for (const reservation of runner.state(ledgerView).pendingRaises.values()) await ledger.completeRaise(reservation);
  // So is an import accepted whose rows were not all in: a list is imported whole or not at all.
  for (const acceptance of [...runner.state(importsView).pending.values()]) await application.imports.finish(acceptance);
  // Checkpoints and the scheduler run on the server holding the lease (a single server always does).
  if (application.checkpointer) await application.onceOnly.add(application.checkpointer);
  await nextTurn();
  await application.onceOnly.start();
  metrics.onceOnly(application.onceOnly);
  await nextTurn();
  if (options.notifications !== false) await application.notifications.start();
  if (options.scheduler) await application.onceOnly.add(application.scheduler);
  // 举一反三's index segments the raises of the catch-up in slices once the start is done and its caller has built on it
  // (a query waits for it): begun at once, its slices ran between every step above and the transport's, and the first
  // ready answer waited for them (about 0.2 s at 300k events).
  setImmediate(() => void currentIndex(runner.state(similarityIndex)).catch(() => undefined));
  return application;
}
