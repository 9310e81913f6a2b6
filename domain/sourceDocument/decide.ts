import { z } from 'zod';
import { countyDay } from '../shared/calendar.js';
import type { Decider } from '../shared/decider.js';
import { IllegalStateError, ValidationError, assertNever } from '../shared/errors.js';
import { message } from '../shared/messages.js';
import {
  SourceDocumentRegistered,
  type SourceDocumentEvent,
  type SourceDocumentState,
  evolveSourceDocument,
  initialSourceDocumentState,
} from './events.js';

/** Registers a source document; its id follows from its 文号 (the application derives it), so a 文号 is registered once. */
export const RegisterSourceDocument = message('RegisterSourceDocument', 1, SourceDocumentRegistered.data);
export const SourceDocumentCommand = z.discriminatedUnion('type', [RegisterSourceDocument.schema]);
export type SourceDocumentCommand = z.infer<typeof SourceDocumentCommand>;

/**
 * A document is registered once: the same registration again changes nothing; another title, body or
 * date under the same 文号 is refused (DOCUMENT_NUMBER_TAKEN). A document dated after today is refused
 * (DOCUMENT_DATE_IN_FUTURE): its items could not have been handed down yet.
 */
export function decideSourceDocument(state: SourceDocumentState, command: SourceDocumentCommand, now: string): SourceDocumentEvent[] {
  switch (command.type) {
    case 'RegisterSourceDocument': {
      const d = command.data;
      if (state.status === 'registered') {
        const same = state.issuingBody === d.issuingBody && state.title === d.title && state.issuedOn === d.issuedOn;
        if (same) return [];
        throw new IllegalStateError(
          'DOCUMENT_NUMBER_TAKEN',
          `A document numbered ${state.documentNumber} is already registered (“${state.title}”, ${state.issuedOn}).`,
          { field: 'documentNumber' },
        );
      }
      const today = countyDay(now);
      if (d.issuedOn > today)
        throw new ValidationError('DOCUMENT_DATE_IN_FUTURE', `The document's date ${d.issuedOn} is after today (${today}).`, {
          field: 'issuedOn',
        });
      return [{ type: 'SourceDocumentRegistered', data: d }];
    }
    default:
      return assertNever(command.type);
  }
}

/** The decider of a source document (来源文件): what the command handler runs on its stream. */
export const sourceDocumentDecider: Decider<SourceDocumentState, SourceDocumentCommand, SourceDocumentEvent> = {
  decide: decideSourceDocument,
  evolve: evolveSourceDocument,
  initialState: initialSourceDocumentState,
};
