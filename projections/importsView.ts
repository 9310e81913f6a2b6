import type { ProblemsImportAccepted } from '../domain/index.js';
import type { RecordedEvent } from '../eventstore/port.js';
import type { Projection } from './runner.js';

export type ImportsViewState = {
  /** Imports accepted and not completed yet (the server stopped in between), by the list's content hash. */
  pending: Map<string, RecordedEvent>;
};

/** 问题清单导入: the imports a start must finish, so that a list is never left half imported. */
export const importsView: Projection<ImportsViewState> = {
  name: 'imports',
  version: 1,
  initial: () => ({ pending: new Map() }),
  apply(view, event: RecordedEvent) {
    if (event.type === 'ProblemsImportAccepted') view.pending.set((event.data as ProblemsImportAccepted['data']).contentHash, event);
    else if (event.type === 'ProblemsImportCompleted') view.pending.delete((event.data as { contentHash: string }).contentHash);
  },
};
