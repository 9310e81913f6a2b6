import { gql } from '../shared/api';

/** 举一反三排查: a sweep ordered from one problem, the units it asked and their answers. */
export type SweepAnswer = {
  unit: { id: string; name: string } | null;
  answer: 'found' | 'none';
  text: string;
  signedBy: string;
  answeredOn: string;
  late: boolean;
  problem: { id: string; ledgerNumber: string } | null;
};
export type Sweep = {
  id: string;
  originLedgerNumber: string;
  originProblem: { id: string } | null;
  category: string;
  instruction: string;
  answerBy: string;
  orderedOn: string;
  orderedBy: string;
  closed: boolean;
  closedOn: string | null;
  closedReason: string | null;
  answeredCount: number;
  foundCount: number;
  overdueCount: number;
  canAnswer: boolean;
  canClose: boolean;
  units: { unit: { id: string; name: string } | null; overdue: boolean; answer: SweepAnswer | null }[];
};

const ANSWER = 'unit { id name } answer text signedBy answeredOn late problem { id ledgerNumber }';
const SWEEP = `id originLedgerNumber originProblem { id } category instruction answerBy orderedOn orderedBy closed closedOn closedReason
  answeredCount foundCount overdueCount canAnswer canClose units { unit { id name } overdue answer { ${ANSWER} } }`;

export async function fetchSweep(id: string): Promise<Sweep | null> {
  return (await gql<{ sweep: Sweep | null }>(`query Sweep($id: ID!) { sweep(id: $id) { ${SWEEP} } }`, { id })).sweep;
}

export async function fetchSweeps(): Promise<Sweep[]> {
  return (await gql<{ sweeps: Sweep[] }>(`{ sweeps { ${SWEEP} } }`)).sweeps;
}

/** The signed-in unit head's pending sweeps (待反馈), earliest answer-by day first. */
export async function fetchPendingSweeps(): Promise<Sweep[]> {
  return (await gql<{ pendingSweeps: Sweep[] }>(`{ pendingSweeps { ${SWEEP} } }`)).pendingSweeps;
}

/** What the item page shows: the sweeps ordered from it, the one that raised it, and whether the user may order one. */
export type ItemSweeps = {
  canOrderSweep: boolean;
  sweeps: Sweep[];
  raisedBySweep: { id: string; originLedgerNumber: string } | null;
  responsibleUnit: { id: string } | null;
};
export async function fetchItemSweeps(problemId: string): Promise<ItemSweeps | null> {
  const data = await gql<{ problem: ItemSweeps | null }>(
    `query ItemSweeps($id: ID) { problem(id: $id) { canOrderSweep responsibleUnit { id } sweeps { ${SWEEP} } raisedBySweep { id originLedgerNumber } } }`,
    { id: problemId },
  );
  return data.problem;
}

export async function orderSweep(input: {
  originProblemId: string;
  unitIds: string[];
  answerBy: string;
  instruction: string;
  commandId: string;
}): Promise<{ id: string }> {
  const data = await gql<{ orderSweep: { id: string } }>(
    `mutation OrderSweep($originProblemId: ID!, $unitIds: [ID!], $answerBy: String!, $instruction: String!, $commandId: ID) {
      orderSweep(originProblemId: $originProblemId, unitIds: $unitIds, answerBy: $answerBy, instruction: $instruction, commandId: $commandId) { id }
    }`,
    input,
  );
  return data.orderSweep;
}

export async function answerSweep(input: { sweepId: string; answer: 'found' | 'none'; text: string; commandId: string }) {
  const data = await gql<{ answerSweep: { problem: { id: string; ledgerNumber: string } | null } }>(
    `mutation AnswerSweep($sweepId: ID!, $answer: SweepAnswerKind!, $text: String!, $commandId: ID) {
      answerSweep(sweepId: $sweepId, answer: $answer, text: $text, commandId: $commandId) { problem { id ledgerNumber } }
    }`,
    input,
  );
  return data.answerSweep;
}

export async function closeSweep(sweepId: string, reason: string | null, commandId: string): Promise<void> {
  await gql(
    `mutation CloseSweep($sweepId: ID!, $reason: String, $commandId: ID) { closeSweep(sweepId: $sweepId, reason: $reason, commandId: $commandId) { id } }`,
    {
      sweepId,
      reason,
      commandId,
    },
  );
}

export type UnitOverdueSweeps = {
  unit: { id: string; name: string } | null;
  count: number;
  sweeps: { id: string; originLedgerNumber: string; answerBy: string }[];
};

/** The wall's overdue sweeps, per unit, as of an instant or now. */
export async function fetchOverdueSweeps(asOf: string | null): Promise<UnitOverdueSweeps[]> {
  const data = await gql<{ battleMap: { overdueSweeps: UnitOverdueSweeps[] } }>(
    `query OverdueSweeps($asOf: String) { battleMap(asOf: $asOf) { overdueSweeps { unit { id name } count sweeps { id originLedgerNumber answerBy } } } }`,
    asOf ? { asOf } : {},
  );
  return data.battleMap.overdueSweeps;
}
