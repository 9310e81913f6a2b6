import { z } from 'zod';
import type { Decider } from '../shared/decider.js';
import { IllegalStateError, assertNever } from '../shared/errors.js';
import { message } from '../shared/messages.js';
import { ContentHash, type ImportEvent, type ImportState, ProblemsImportAccepted, evolveImport, initialImportState } from './events.js';

export const AcceptProblemsImport = message('AcceptProblemsImport', 1, ProblemsImportAccepted.data);
export const CompleteProblemsImport = message('CompleteProblemsImport', 1, z.object({ contentHash: ContentHash }));
export const ImportCommand = z.discriminatedUnion('type', [AcceptProblemsImport.schema, CompleteProblemsImport.schema]);
export type ImportCommand = z.infer<typeof ImportCommand>;

/**
 * Accepting a list accepted before adds nothing (the same list imported again); completing needs an
 * accepted list, and completing it again adds nothing.
 */
export function decideImport(state: ImportState, command: ImportCommand, _now: string): ImportEvent[] {
  switch (command.type) {
    case 'AcceptProblemsImport':
      if (state.status !== 'none') return [];
      return [{ type: 'ProblemsImportAccepted', data: command.data }];
    case 'CompleteProblemsImport':
      if (state.status === 'completed') return [];
      if (state.status === 'none')
        throw new IllegalStateError('IMPORT_NOT_ACCEPTED', `No import of list ${command.data.contentHash} was accepted.`);
      return [{ type: 'ProblemsImportCompleted', data: { contentHash: state.contentHash, rowCount: state.rows.length } }];
    default:
      return assertNever(command);
  }
}

/** The decider of one list's import (问题清单导入): what the command handler runs on its stream. */
export const importDecider: Decider<ImportState, ImportCommand, ImportEvent> = {
  decide: decideImport,
  evolve: evolveImport,
  initialState: initialImportState,
};
