import { describe, expect, it } from 'vitest';
import { LedgerNumberReserved, formatLedgerNumber, ledgerSequenceStreamId } from '../../domain/index.js';
import { raised } from '../support/problemFixtures.js';

describe('ledger numbers (台账编号)', () => {
  it('the 7th national-feedback problem of 2019 is GJ-2019-007', () => {
    expect(formatLedgerNumber('national_feedback', 2019, 7)).toBe('GJ-2019-007');
  });

  it('each source has its own prefix', () => {
    expect(formatLedgerNumber('provincial_review', 2019, 1)).toBe('SJ-2019-001');
    expect(formatLedgerNumber('municipal_review', 2019, 1)).toBe('SH-2019-001');
    expect(formatLedgerNumber('county_self_check', 2019, 1)).toBe('XZ-2019-001');
    expect(formatLedgerNumber('audit', 2019, 1)).toBe('AU-2019-001');
    expect(formatLedgerNumber('discipline_inspection', 2019, 1)).toBe('JJ-2019-001');
    expect(formatLedgerNumber('hotline', 2019, 1)).toBe('RX-2019-001');
  });

  it('a sequence past 999 keeps all its digits', () => {
    expect(formatLedgerNumber('hotline', 2020, 1234)).toBe('RX-2020-1234');
  });

  it('one sequence stream per source and year', () => {
    expect(ledgerSequenceStreamId('national_feedback', 2019)).toBe('ledger-GJ-2019');
    expect(ledgerSequenceStreamId('national_feedback', 2020)).toBe('ledger-GJ-2020');
    expect(ledgerSequenceStreamId('hotline', 2019)).toBe('ledger-RX-2019');
  });

  it('a reservation carries the whole raise and a positive sequence', () => {
    expect(LedgerNumberReserved.data.safeParse({ sequence: 1, raised: raised().data }).success).toBe(true);
    expect(LedgerNumberReserved.data.safeParse({ sequence: 0, raised: raised().data }).success).toBe(false);
    expect(LedgerNumberReserved.data.safeParse({ sequence: 1 }).success).toBe(false);
  });
});
