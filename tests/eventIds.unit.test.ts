import { describe, expect, it } from 'vitest';
import { commandFingerprint, eventIdFor } from '../eventstore/commandHandler.js';

/**
 * An event's id and a command's fingerprint are kept in the log: a retry is recognised by them, so
 * they must come out the same for the same command in every version. The expected values were
 * computed outside this code base, with Python's standard library (`uuid.uuid5` over the namespace
 * and `"<command id>/<stream>/<index>"`; `hashlib.sha256` over the canonical JSON of user id,
 * type and data: keys sorted, no spaces, Chinese as UTF-8).
 */
describe('ids kept in the log', () => {
  it('gives an event the name-based (SHA-1, RFC 4122 version 5) UUID of its command id, stream and index', () => {
    expect(eventIdFor('9b0e6a3c-1111-4222-8333-444455556666', 'problem-磨子潭', 0)).toBe('37d7a26f-7746-5477-941f-2351950869f7');
  });

  it('gives a command the SHA-256 of its user, type and data as canonical JSON for its fingerprint', () => {
    expect(commandFingerprint('user-head', 'ReportProgress', { problemId: 'p-1', progress: '已完成整改方案', percentComplete: 50 })).toBe(
      '3cb4f4ffa8e4fdb2a283b84156d7e4e1c7302baa1fe004e671cd256fefbdf893',
    );
  });
});
