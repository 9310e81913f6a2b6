import { describe, expect, it } from 'vitest';
import * as domain from '../../domain/index.js';
import { PROBLEM, TOWNSHIP, VERIFIER_UNIT } from '../support/problemFixtures.js';

/**
 * What a form would trim is trimmed: the spaces around a name (a unit's, a person's). What a person
 * wrote at length — a description, a plan, evidence, a reason, an opinion, an instruction — is kept
 * exactly as sent, leading spaces, a BOM and U+2028 included; only an all-blank text is refused.
 */
const WRITTEN = '\uFEFF  一、资金已拨付；\u2028二、台账已更新。\n  ';

type Schema = { parse: (input: unknown) => { data: Record<string, unknown> } };
const parse = (definition: { schema: Schema; type: string }, data: Record<string, unknown>) =>
  definition.schema.parse({ type: definition.type, data }).data;

describe('names are trimmed', () => {
  it.each([
    ['a unit name', domain.RegisterUnit, { unitId: TOWNSHIP, name: '  衡山镇 ', kind: 'township', parentUnitId: null }, 'name', '衡山镇'],
    [
      'a responsible person',
      domain.AssignProblem,
      { problemId: PROBLEM, responsibleUnitId: TOWNSHIP, responsiblePerson: ' 王明  ' },
      'responsiblePerson',
      '王明',
    ],
    ['who acknowledged', domain.AcknowledgeAssignment, { problemId: PROBLEM, acknowledgedBy: '\t王明 ' }, 'acknowledgedBy', '王明'],
    [
      'a display name',
      domain.RegisterUser,
      { userId: PROBLEM, login: ' wang.ming ', displayName: ' 王明 ', roles: ['office'], unitId: null, passwordHash: 'x'.repeat(40) },
      'displayName',
      '王明',
    ],
    [
      'a login',
      domain.RegisterUser,
      { userId: PROBLEM, login: ' wang.ming ', displayName: '王明', roles: ['office'], unitId: null, passwordHash: 'x'.repeat(40) },
      'login',
      'wang.ming',
    ],
  ] as const)('%s', (_, definition, data, field, expected) => {
    expect(parse(definition as never, data)[field]).toBe(expected);
  });

  it('an all-blank name is refused', () => {
    expect(() => parse(domain.RenameUnit as never, { unitId: TOWNSHIP, name: '   ' })).toThrow(/must not be empty/);
  });
});

describe('what a person wrote is kept as sent', () => {
  it.each([
    [
      'a description',
      domain.RaiseProblem,
      {
        source: 'audit',
        category: 'housing',
        description: WRITTEN,
        problemId: PROBLEM,
        ledgerNumber: 'GJ-2019-001',
        raisedOn: '2019-03-01',
        recurrenceOf: null,
      },
      'description',
    ],
    ['a plan', domain.SubmitPlan, { problemId: PROBLEM, measures: WRITTEN }, 'measures'],
    ['progress', domain.ReportProgress, { problemId: PROBLEM, progress: WRITTEN, percentComplete: 50 }, 'progress'],
    ['a reason', domain.ExtendDeadline, { problemId: PROBLEM, deadline: '2019-07-31', reason: WRITTEN }, 'reason'],
    ['an opinion', domain.PassVerification, { problemId: PROBLEM, verifierUnitId: VERIFIER_UNIT, opinion: WRITTEN }, 'opinion'],
    [
      'reasons for rejecting',
      domain.RejectVerification,
      { problemId: PROBLEM, verifierUnitId: VERIFIER_UNIT, reasons: WRITTEN },
      'reasons',
    ],
    ['an instruction', domain.OrderSupervision, { problemId: PROBLEM, instruction: WRITTEN, finishBy: '2019-07-31' }, 'instruction'],
    ['a reopening reason', domain.ReopenProblem, { problemId: PROBLEM, reason: WRITTEN }, 'reason'],
  ] as const)('%s', (_, definition, data, field) => {
    expect(parse(definition as never, data)[field]).toBe(WRITTEN);
  });

  it('evidence', () => {
    const data = parse(domain.ReportRectified as never, { problemId: PROBLEM, evidence: { description: WRITTEN } });
    expect((data.evidence as { description: string }).description).toBe(WRITTEN);
  });

  it('an all-blank text is still refused', () => {
    expect(() => parse(domain.SubmitPlan as never, { problemId: PROBLEM, measures: ' \n\u2028\uFEFF ' })).toThrow(/must not be empty/);
  });
});
