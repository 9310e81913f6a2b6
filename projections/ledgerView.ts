import { GrowingMap } from './growingMap.js';
import {
  type LedgerNumberReserved,
  type ProblemCategory,
  type ProblemEvent,
  type ProblemLinkKind,
  type ProblemSource,
  type ProblemState,
  type ProblemStatus,
  type UnitEvent,
  type UnitKind,
  type UnitState,
  evolveProblem,
  evolveUnit,
  initialProblemState,
  initialUnitState,
  hasPendingExtensionRequest,
  isAssigned,
  isOnProblem,
  isOverdue,
  unitEventDefinitions,
} from '../domain/index.js';
import type { RecordedEvent } from '../eventstore/port.js';
import { sharedShape } from './intern.js';
import type { Projection } from './runner.js';

type SupervisionOrderedData = Extract<ProblemEvent, { type: 'SupervisionOrdered' }>['data'];
type SupervisionRepliedData = Extract<ProblemEvent, { type: 'SupervisionReplied' }>['data'];

/** A 督办 as the item shows it: the order, when and by whom, and the unit's reply once it came. */
export type SupervisionOrderRow = SupervisionOrderedData & {
  orderedAt: string;
  orderedBy: string;
  eventId: string;
  reply: (SupervisionRepliedData & { repliedAt: string; repliedBy: string; eventId: string }) | null;
};

/**
 * A link between two problems (复发 / 相关), as each of the two shows it: `earlier` on the problem that
 * was linked (the event is on its stream), `later` on the earlier problem (the event is not).
 */
export type ProblemLinkRow = {
  kind: ProblemLinkKind;
  direction: 'earlier' | 'later';
  /** The other problem. */
  problemId: string;
  eventId: string;
  linkedAt: string;
  linkedBy: string;
};

/** A transfer (转办) as the item's history shows it: both units, the reason, when and by whom. */
export type TransferRow = {
  fromUnitId: string;
  toUnitId: string;
  reason: string;
  eventId: string;
  transferredAt: string;
  transferredBy: string;
};

/** A problem as the ledger (整改台账) lists it: its folded state plus when it last changed. */
export type LedgerRow = {
  state: Exclude<ProblemState, { status: 'not_raised' }>;
  raisedAt: string;
  updatedAt: string;
  /** 整改进展: the text of the latest progress report, for the county ledger's column. */
  latestProgress: string | null;
  /** 督办 orders, oldest first, each with its reply (a reply answers its order and the earlier open ones). */
  supervisionOrders: SupervisionOrderRow[];
  /** Its links to earlier problems and from later ones, in the order they were made. */
  links: ProblemLinkRow[];
  /** Its transfers (转办), oldest first. */
  transfers: TransferRow[];
  /** When the latest extension request (延期申请) was made and by whom; null before the first. */
  extensionRequestedAt: { at: string; by: string } | null;
  /** Global position of the problem's last event. */
  position: number;
};

/** A registered unit as the ledger lists it. */
export type UnitRow = Exclude<UnitState, { status: 'unregistered' }>;

export type LedgerViewState = {
  problems: GrowingMap<LedgerRow>;
  byLedgerNumber: GrowingMap<string>;
  /** Problem ids in ledger-number order, kept as problems are raised, so a page needs no sort (read it by `ledgerOrder`). */
  order: string[];
  /**
   * Problems raised since the order was last read, in the order raised: merged into `order` when it
   * is read. Inserting each raise in place moved half the array every time: at a million events a
   * catch-up spent seconds moving ids (issue 12).
   */
  unordered: string[];
  units: Map<string, UnitRow>;
  /** Ledger numbers reserved whose problem has not had its first event yet (a raise cut short). */
  pendingRaises: Map<string, RecordedEvent>;
};

const problemEvents = new Set<string>([
  'ProblemRaised',
  'ProblemAssigned',
  'AssignmentAcknowledged',
  'DeadlineSet',
  'DeadlineExtended',
  'RectificationPlanSubmitted',
  'ProgressReported',
  'RectificationReported',
  'VerificationPassed',
  'VerificationRejected',
  'ProblemClosed',
  'ProblemReopened',
  'SupervisionOrdered',
  'SupervisionReplied',
  'ConsolidationConfirmed',
  'ProblemLinked',
  'CoResponsibleUnitsChanged',
  'ProblemTransferred',
  'ExtensionRequested',
  'ExtensionRequestApproved',
  'ExtensionRequestRefused',
  'CommentPosted',
] satisfies ProblemEvent['type'][]);
const unitEvents = new Set<string>(unitEventDefinitions.map((d): UnitEvent['type'] => d.type));

/**
 * The one empty list rows share until they get their first item (never pushed to: `own` first), and problem states
 * share for an empty 相关 link, 配合单位 or comment list (the domain replaces its lists, never changes them). Frozen:
 * a push onto it throws rather than filling every row.
 */
const NONE = Object.freeze([]) as never[];
/**
 * A list of the row's own to add to: the list itself when it has items, a new one when empty (the
 * shared one, or after a snapshot's restore an empty list that may be shared too).
 */
const own = <T>(list: T[]): T[] => (list.length === 0 ? [] : list);

/** The state with its empty lists replaced by the one shared empty list (`NONE`) (issue 12: three new empty arrays a problem, some 10 MB per million events). */
function withSharedEmptyLists<S extends object>(state: S): S {
  const lists = state as { relatedTo?: readonly unknown[]; coResponsibleUnitIds?: readonly unknown[]; comments?: readonly unknown[] };
  if (lists.relatedTo?.length === 0) lists.relatedTo = NONE;
  if (lists.coResponsibleUnitIds?.length === 0) lists.coResponsibleUnitIds = NONE;
  if (lists.comments?.length === 0) lists.comments = NONE;
  return state;
}

/** The ledger of problems and the list of units, for the `problem(s)` and `units` queries. */
export const ledgerView: Projection<LedgerViewState> = {
  name: 'ledger',
  // 6: a raise's state carries its source document, 原编号 and 立行立改.
  // 7: lead and co-responsible units, transfers (转办), extension requests (延期申请).
  // 8: units carry their leaders on record (领导班子); comments (批示 / 回复) on the item.
  // 9: raises are merged into the order when it is read (`unordered`).
  // 10: the problems and ledger numbers in GrowingMaps (a snapshot keeps them as such).
  version: 10,
  initial: () => ({
    problems: new GrowingMap(),
    byLedgerNumber: new GrowingMap(),
    order: [],
    unordered: [],
    units: new Map(),
    pendingRaises: new Map(),
  }),
  apply(view, event: RecordedEvent) {
    if (event.type === 'LedgerNumberReserved') {
      const { raised } = event.data as LedgerNumberReserved['data'];
      if (!view.problems.has(raised.problemId)) view.pendingRaises.set(raised.problemId, event);
    } else if (problemEvents.has(event.type)) {
      const domainEvent = event as unknown as ProblemEvent;
      const id = domainEvent.data.problemId;
      const row = view.problems.get(id);
      const evolved = evolveProblem(row?.state ?? initialProblemState, domainEvent);
      if (evolved.status === 'not_raised') return;
      // The domain's state is made by spreads: kept as a copy made key by key. Since every 销号 shares a hidden class (the
      // fifty-seventh round), the copy no longer drops one a problem, but the states kept without it took 6 MB more at a
      // million events (294 MB of heap against 288, measured alone): kept.
      const state = evolved === row?.state ? evolved : withSharedEmptyLists(sharedShape(evolved));
      const at = event.metadata.occurredAt;
      const latestProgress = domainEvent.type === 'ProgressReported' ? domainEvent.data.progress : (row?.latestProgress ?? null);
      // Most problems never get an order, a link or a transfer: they share one empty list, and one is made at the first.
      let supervisionOrders = row?.supervisionOrders ?? NONE;
      const by = event.metadata.actor.name;
      if (domainEvent.type === 'SupervisionOrdered')
        (supervisionOrders = own(supervisionOrders)).push(
          sharedShape({
            ...domainEvent.data,
            finishBy: domainEvent.data.finishBy ?? null,
            triggerId: domainEvent.data.triggerId ?? null,
            orderedAt: at,
            orderedBy: by,
            eventId: event.id,
            reply: null,
          }),
        );
      if (domainEvent.type === 'SupervisionReplied')
        for (const order of supervisionOrders)
          if (order.reply === null && order.supervisionCount <= domainEvent.data.supervisionCount)
            order.reply = sharedShape({ ...domainEvent.data, repliedAt: at, repliedBy: by, eventId: event.id });
      let links = row?.links ?? NONE;
      // A link shows on both problems: an older raise naming the problem it repeats is one too.
      const earlier =
        domainEvent.type === 'ProblemLinked'
          ? { problemId: domainEvent.data.earlierProblemId, kind: domainEvent.data.kind }
          : domainEvent.type === 'ProblemRaised' && domainEvent.data.recurrenceOf
            ? { problemId: domainEvent.data.recurrenceOf, kind: 'recurrence' as const }
            : null;
      if (earlier) {
        const link = { kind: earlier.kind, eventId: event.id, linkedAt: at, linkedBy: by };
        (links = own(links)).push(sharedShape({ ...link, direction: 'earlier', problemId: earlier.problemId }));
        const other = view.problems.get(earlier.problemId);
        if (other) (other.links = own(other.links)).push(sharedShape({ ...link, direction: 'later', problemId: id }));
      }
      let transfers = row?.transfers ?? NONE;
      if (domainEvent.type === 'ProblemTransferred') {
        const { fromUnitId, toUnitId, reason } = domainEvent.data;
        (transfers = own(transfers)).push({ fromUnitId, toUnitId, reason, eventId: event.id, transferredAt: at, transferredBy: by });
      }
      const extensionRequestedAt = domainEvent.type === 'ExtensionRequested' ? { at, by } : (row?.extensionRequestedAt ?? null);
      view.problems.set(id, {
        state,
        raisedAt: row?.raisedAt ?? at,
        updatedAt: at,
        latestProgress,
        supervisionOrders,
        links,
        transfers,
        extensionRequestedAt,
        position: event.position,
      });
      if (!row) {
        view.unordered.push(id);
        view.byLedgerNumber.set(state.ledgerNumber, id);
        view.pendingRaises.delete(id);
      }
    } else if (unitEvents.has(event.type)) {
      const domainEvent = event as unknown as UnitEvent;
      const id = domainEvent.data.unitId;
      const state = evolveUnit(view.units.get(id) ?? initialUnitState, domainEvent);
      if (state.status !== 'unregistered') view.units.set(id, state);
    }
  },
};

/** What the ledger is filtered by (each left out when not given); `overdue` as of `today`, a county day. */
export type LedgerFilter = {
  source?: ProblemSource | null;
  category?: ProblemCategory | null;
  unitId?: string | null;
  status?: ProblemStatus | null;
  overdue?: boolean | null;
  /** Only items with (true) or without (false) an unanswered 督办. */
  awaitingSupervisionReply?: boolean | null;
  /** Only closed items in this 回头看 state. */
  consolidation?: 'awaiting_recheck' | 'confirmed' | null;
  /** Only open items with (true) or without (false) an extension request waiting for the office (延期申请待审). */
  extensionRequestPending?: boolean | null;
};

/** Ledger numbers as `localeCompare` orders them (the same comparison: ECMA-402), with one collator, not one per call. */
const byLedgerNumber = new Intl.Collator().compare;

/**
 * The problem ids in ledger-number order: the problems raised since the last read are sorted and
 * merged in (a raise goes after an equal number already there, and after those raised before it),
 * as inserting each where it belongs would have put it.
 */
export function ledgerOrder(view: LedgerViewState): string[] {
  if (view.unordered.length === 0) return view.order;
  const numberOf = (id: string) => view.problems.get(id)!.state.ledgerNumber;
  const added = view.unordered.map((id) => ({ id, number: numberOf(id) })).sort((a, b) => byLedgerNumber(a.number, b.number));
  const merged: string[] = new Array(view.order.length + added.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < view.order.length && j < added.length)
    merged[k++] = byLedgerNumber(numberOf(view.order[i]!), added[j]!.number) <= 0 ? view.order[i++]! : added[j++]!.id;
  while (i < view.order.length) merged[k++] = view.order[i++]!;
  while (j < added.length) merged[k++] = added[j++]!.id;
  view.order = merged;
  view.unordered = [];
  return merged;
}

/** The ledger's rows that pass the filter, in ledger-number order (the kept order: no sort per request). */
export function ledgerRows(view: LedgerViewState, filter: LedgerFilter, today: string): LedgerRow[] {
  const { source, category, unitId, status, overdue, awaitingSupervisionReply, consolidation, extensionRequestPending } = filter;
  return ledgerOrder(view)
    .map((id) => view.problems.get(id)!)
    .filter(
      (r) =>
        (!source || r.state.source === source) &&
        (!category || r.state.category === category) &&
        // A unit's items: those it leads (牵头) and those it helps on (配合).
        (!unitId || isOnProblem(r.state, unitId)) &&
        (!status || r.state.status === status) &&
        (overdue == null || isOverdue(r.state, today) === overdue) &&
        (awaitingSupervisionReply == null || (isAssigned(r.state) && r.state.openSupervision !== null) === awaitingSupervisionReply) &&
        (!consolidation || (r.state.status === 'closed' && r.state.consolidation === consolidation)) &&
        (extensionRequestPending == null ||
          (r.state.status !== 'closed' && hasPendingExtensionRequest(r.state)) === extensionRequestPending),
    );
}

/** The units, of one kind or all, in name order (as a Chinese reader sorts them). */
export function unitRows(view: LedgerViewState, kind: UnitKind | null | undefined): UnitRow[] {
  return [...view.units.values()].filter((u) => !kind || u.kind === kind).sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
}
