import { describe, expect, it } from 'vitest';
import {
  type SweepCommand,
  SweepEvent,
  type SweepEvent as SweepEventType,
  awaitsAnswer,
  decideSweep,
  evolveSweep,
  initialSweepState,
} from '../../domain/index.js';
import { deciderSpec } from '../support/givenWhenThen.js';

const { given } = deciderSpec({ initialState: initialSweepState, evolve: evolveSweep, decide: decideSweep, eventSchema: SweepEvent });

const SWEEP = '6a1e4c3b-2d58-4b9a-9f0d-2c7f5d3a8e61';
const ORIGIN = '7b2f5d4c-3e69-4cab-8f1e-3d8a6e4b9f72';
const TOWN_A = '8c3a6e5d-4f7a-4dbc-9a2f-4e9b7f5cad83';
const TOWN_B = '9d4b7f6e-5a8b-4ecd-8b3a-5fac8a6dbe94';
const TOWN_C = 'ae5c8a7f-6b9c-4fde-9c4b-6abd9b7ecfa5';
const FOUND_PROBLEM = 'bf6d9b8a-7cad-4aef-8d5c-7bce0c8fdab6';
/** 2019-07-01 in the county, late in the evening: still the 1st there, already the 1st in UTC too. */
const NOW = '2019-07-01T22:00:00+08:00';
const LATER = '2019-07-12T10:00:00+08:00';

const order = (data: Partial<Extract<SweepCommand, { type: 'OrderSweep' }>['data']> = {}): SweepCommand => ({
  type: 'OrderSweep',
  data: {
    sweepId: SWEEP,
    originProblemId: ORIGIN,
    originLedgerNumber: 'GJ-2019-001',
    category: 'housing',
    unitIds: [TOWN_A, TOWN_B],
    answerBy: '2019-07-10',
    instruction: '对照危房改造问题，逐户排查',
    ...data,
  },
});
const ordered: SweepEventType = {
  type: 'SweepOrdered',
  data: {
    sweepId: SWEEP,
    originProblemId: ORIGIN,
    originLedgerNumber: 'GJ-2019-001',
    category: 'housing',
    unitIds: [TOWN_A, TOWN_B],
    answerBy: '2019-07-10',
    instruction: '对照危房改造问题，逐户排查',
    orderedOn: '2019-07-01',
  },
};
const answerNone = (unitId = TOWN_A, text = '经逐户排查，未发现同类问题'): SweepCommand => ({
  type: 'AnswerSweep',
  data: { sweepId: SWEEP, unitId, answer: 'none', text, signedBy: '王镇长', problemId: null },
});
const answerFound = (unitId = TOWN_B, problemId: string | null = FOUND_PROBLEM): SweepCommand => ({
  type: 'AnswerSweep',
  data: { sweepId: SWEEP, unitId, answer: 'found', text: '3户危房未改造', signedBy: '李镇长', problemId },
});
const answeredNone: SweepEventType = {
  type: 'SweepAnswered',
  data: {
    sweepId: SWEEP,
    unitId: TOWN_A,
    answer: 'none',
    text: '经逐户排查，未发现同类问题',
    signedBy: '王镇长',
    problemId: null,
    answeredOn: '2019-07-01',
  },
};
const close: SweepCommand = { type: 'CloseSweep', data: { sweepId: SWEEP, reason: '排查完毕' } };
const closed: SweepEventType = { type: 'SweepClosed', data: { sweepId: SWEEP, reason: '排查完毕', closedOn: '2019-07-01' } };

describe('ordering a sweep (举一反三排查)', () => {
  it('is recorded with the units, the answer-by day and the county day it was ordered on', () => {
    given([]).when(order(), NOW).then([ordered]);
  });

  it('asks each unit once, however often it was chosen', () => {
    given([])
      .when(order({ unitIds: [TOWN_A, TOWN_B, TOWN_A] }), NOW)
      .then([ordered]);
  });

  it('is refused without units', () => {
    given([])
      .when(order({ unitIds: [] }), NOW)
      .thenError('SWEEP_WITHOUT_UNITS');
  });

  it('is refused with an answer-by day already past, and taken for today', () => {
    given([])
      .when(order({ answerBy: '2019-06-30' }), NOW)
      .thenError('SWEEP_ANSWER_BY_PAST');
    given([])
      .when(order({ answerBy: '2019-07-01' }), NOW)
      .then([{ ...ordered, data: { ...ordered.data, answerBy: '2019-07-01' } } as SweepEventType]);
  });

  it('judges "past" by the county calendar: 23:30 UTC on 30 June is already 1 July in the county', () => {
    given([])
      .when(order({ answerBy: '2019-06-30' }), '2019-06-30T23:30:00Z')
      .thenError('SWEEP_ANSWER_BY_PAST');
  });

  it('ordered again under the same id changes nothing', () => {
    given([ordered]).when(order(), LATER).thenNothing();
  });
});

describe('answering a sweep', () => {
  it('"none": a statement the unit head signs, on the county day it was given', () => {
    const state = given([ordered]).when(answerNone(), NOW).then([answeredNone]);
    expect(awaitsAnswer(state, TOWN_A)).toBe(false);
    expect(awaitsAnswer(state, TOWN_B)).toBe(true);
  });

  it('"found": names the self-report problem it raised', () => {
    given([ordered])
      .when(answerFound(), LATER)
      .then([
        {
          type: 'SweepAnswered',
          data: {
            sweepId: SWEEP,
            unitId: TOWN_B,
            answer: 'found',
            text: '3户危房未改造',
            signedBy: '李镇长',
            problemId: FOUND_PROBLEM,
            answeredOn: '2019-07-12',
          },
        },
      ]);
  });

  it('"found" without its problem, or "none" with one, is refused', () => {
    given([ordered]).when(answerFound(TOWN_B, null), NOW).thenError('SWEEP_ANSWER_PROBLEM_MISMATCH');
    const noneWithProblem: SweepCommand = {
      type: 'AnswerSweep',
      data: { ...(answerNone() as Extract<SweepCommand, { type: 'AnswerSweep' }>).data, problemId: FOUND_PROBLEM },
    };
    given([ordered]).when(noneWithProblem, NOW).thenError('SWEEP_ANSWER_PROBLEM_MISMATCH');
  });

  it('is given once: the same answer again changes nothing, another one is refused', () => {
    given([ordered, answeredNone]).when(answerNone(), LATER).thenNothing();
    given([ordered, answeredNone]).when(answerNone(TOWN_A, '补充说明'), LATER).thenError('SWEEP_ALREADY_ANSWERED');
    given([ordered, answeredNone]).when(answerFound(TOWN_A), LATER).thenError('SWEEP_ALREADY_ANSWERED');
  });

  it('only by a unit the sweep asked', () => {
    given([ordered]).when(answerNone(TOWN_C), NOW).thenError('SWEEP_UNIT_NOT_ASKED');
  });

  it('not after the sweep was closed (a retried answer given before still changes nothing)', () => {
    given([ordered, closed]).when(answerNone(), LATER).thenError('SWEEP_CLOSED');
    given([ordered, answeredNone, closed]).when(answerNone(), LATER).thenNothing();
  });

  it('after the answer-by day is still taken (late; the scorecard says so)', () => {
    given([ordered])
      .when(answerNone(), '2019-07-11T09:00:00+08:00')
      .then([{ ...answeredNone, data: { ...answeredNone.data, answeredOn: '2019-07-11' } } as SweepEventType]);
  });

  it('a sweep that was never ordered cannot be answered', () => {
    given([]).when(answerNone(), NOW).thenError('SWEEP_NOT_FOUND');
  });
});

describe('closing a sweep', () => {
  it('is recorded once; closing again changes nothing', () => {
    const state = given([ordered]).when(close, NOW).then([closed]);
    expect(awaitsAnswer(state, TOWN_B)).toBe(false);
    given([ordered, closed]).when(close, LATER).thenNothing();
  });

  it('a sweep that was never ordered cannot be closed', () => {
    given([]).when(close, NOW).thenError('SWEEP_NOT_FOUND');
  });
});
