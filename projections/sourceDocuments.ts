import type { ProblemRaisedData, SourceDocumentRegisteredData } from '../domain/index.js';
import type { RecordedEvent } from '../eventstore/port.js';
import type { Projection } from './runner.js';

/** A registered source document (来源文件) as the office lists it. */
export type SourceDocumentRow = SourceDocumentRegisteredData & { registeredAt: string; registeredBy: string };

export type SourceDocumentsState = {
  documents: Map<string, SourceDocumentRow>;
  /** The problems raised from each document, in the order raised (its items, with their 原编号 on the problems). */
  items: Map<string, string[]>;
};

/** 来源文件: the documents registered and the problems raised from each, for the list and the reconciliation (对账). */
export const sourceDocumentsView: Projection<SourceDocumentsState> = {
  name: 'sourceDocuments',
  version: 1,
  initial: () => ({ documents: new Map(), items: new Map() }),
  apply(view, event: RecordedEvent) {
    if (event.type === 'SourceDocumentRegistered') {
      const data = event.data as SourceDocumentRegisteredData;
      view.documents.set(data.documentId, { ...data, registeredAt: event.metadata.occurredAt, registeredBy: event.metadata.actor.name });
    } else if (event.type === 'ProblemRaised') {
      const { sourceDocumentId, problemId } = event.data as ProblemRaisedData;
      if (!sourceDocumentId) return;
      const items = view.items.get(sourceDocumentId) ?? [];
      if (!items.includes(problemId)) items.push(problemId);
      view.items.set(sourceDocumentId, items);
    }
  },
};
