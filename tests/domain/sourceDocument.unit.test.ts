import { describe, expect, it } from 'vitest';
import {
  PolicyDocument,
  type SourceDocumentCommand,
  SourceDocumentEvent,
  defaultPolicy,
  documentNumberKey,
  sourceDocumentDecider,
} from '../../domain/index.js';
import { deciderSpec } from '../support/givenWhenThen.js';
import { NOW } from '../support/problemFixtures.js';

const { given } = deciderSpec({ ...sourceDocumentDecider, eventSchema: SourceDocumentEvent });

const DOCUMENT = '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d';
const national = {
  documentId: DOCUMENT,
  issuingBody: '国务院扶贫开发领导小组',
  title: '关于反馈2018年脱贫攻坚成效考核发现问题的通知',
  documentNumber: '国开发〔2019〕3号',
  issuedOn: '2019-02-15',
};
const register = (data: Partial<typeof national> = {}): SourceDocumentCommand => ({
  type: 'RegisterSourceDocument',
  data: { ...national, ...data },
});
const registered = (data: Partial<typeof national> = {}): SourceDocumentEvent => ({
  type: 'SourceDocumentRegistered',
  data: { ...national, ...data },
});

describe('registering a source document (来源文件)', () => {
  it('a document is registered with its issuing body, title, 文号 and date', () => {
    given([]).when(register(), NOW).then([registered()]);
  });

  it('registering the same document again changes nothing', () => {
    given([registered()]).when(register(), NOW).thenNothing();
  });

  it('another document under a 文号 already registered is refused', () => {
    given([registered()])
      .when(register({ title: '另一份文件' }), NOW)
      .thenError('DOCUMENT_NUMBER_TAKEN');
  });

  it('a document dated after today is refused', () => {
    given([])
      .when(register({ issuedOn: '2019-03-02' }), NOW)
      .thenError('DOCUMENT_DATE_IN_FUTURE');
  });

  it('a document dated today is registered', () => {
    given([])
      .when(register({ issuedOn: '2019-03-01' }), NOW)
      .then([registered({ issuedOn: '2019-03-01' })]);
  });

  it('a 文号 is the same whether written with full-width digits or spaces', () => {
    expect(documentNumberKey('国开发〔２０１９〕 3号')).toBe(documentNumberKey('国开发〔2019〕3号'));
    expect(documentNumberKey('国开发〔2019〕3号')).not.toBe(documentNumberKey('国开发〔2019〕4号'));
  });
});

describe('points for a problem found, by who found it (problemFound)', () => {
  /** A policy as stored before the sources were split: problemFound without the three new sources. */
  const storedBefore = () => {
    const { unit_self_report: _u, county_inspection: _c, unannounced_visit: _a, ...old } = defaultPolicy.scoring.ordinary.problemFound;
    return {
      ...defaultPolicy,
      scoring: {
        ...defaultPolicy.scoring,
        ordinary: { ...defaultPolicy.scoring.ordinary, problemFound: { ...old, county_self_check: -0.5 } },
      },
    };
  };

  it('a policy stored before the split still loads: 自查上报 costs nothing, 县级督查 and 暗访 count as 县自查 did', () => {
    const read = PolicyDocument.parse(storedBefore()).scoring.ordinary.problemFound;
    expect(read.unit_self_report).toBe(0);
    expect(read.county_inspection).toBe(-0.5);
    expect(read.unannounced_visit).toBe(-0.5);
    expect(read.national_feedback).toBe(-2);
  });

  it('a policy naming the new sources keeps its own points', () => {
    const read = PolicyDocument.parse(defaultPolicy).scoring.ordinary.problemFound;
    expect(read).toStrictEqual({ ...defaultPolicy.scoring.ordinary.problemFound });
    expect([read.unit_self_report, read.county_inspection, read.unannounced_visit]).toStrictEqual([0, -1, -1.5]);
  });

  it('an unknown source is still refused (the policy objects are strict)', () => {
    const policy = storedBefore();
    const problemFound = { ...policy.scoring.ordinary.problemFound, township_self_check: -1 };
    const result = PolicyDocument.safeParse({
      ...policy,
      scoring: { ...policy.scoring, ordinary: { ...policy.scoring.ordinary, problemFound } },
    });
    expect(result.success).toBe(false);
  });
});
