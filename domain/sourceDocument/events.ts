import { z } from 'zod';
import { CalendarDay } from '../shared/calendar.js';
import { assertNever } from '../shared/errors.js';
import { Id, Name, message } from '../shared/messages.js';

/**
 * Source documents (来源文件): the document a superior sent with its list of problems — the national
 * feedback (国家反馈意见), the province's review, an audit report — registered by the office. Each
 * item raised from it names the document and its number there (原编号); the document number (文号)
 * and the 原编号 together identify the item, so the same list can be raised or imported only once, and
 * the office reconciles (对账) the ledger against the document item by item (application/sourceDocuments.ts).
 */
export const sourceDocumentStreamId = (documentId: string) => `sourceDocument-${documentId}`;

/**
 * 文号, as the document prints it (e.g. 国开办发〔2019〕12号). Compared after `documentNumberKey`, so a
 * full-width digit or a stray space does not make it another document.
 */
export const DocumentNumber = Name(100);

/** 原编号: the item's number in its source document (1, 3-2, 二-5 …), as the document writes it. */
export const OriginalNumber = Name(50);

/** The form of a 文号 or a 原编号 that identifies it: NFKC (full-width digits and brackets folded), no white space. */
export function documentNumberKey(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, '');
}

/** 来源文件登记: the office registered a superior's document listing problems. */
export const SourceDocumentRegistered = message(
  'SourceDocumentRegistered',
  1,
  z.object({
    documentId: Id,
    /** 发文机关: who issued it (e.g. 国务院扶贫开发领导小组). */
    issuingBody: Name(100),
    /** 文件标题 */
    title: Name(300),
    /** 文号 */
    documentNumber: DocumentNumber,
    /** 成文日期: the county day of the document; no item of it is raised before. */
    issuedOn: CalendarDay,
  }),
);
export type SourceDocumentRegisteredData = z.infer<typeof SourceDocumentRegistered.data>;

export const sourceDocumentEventDefinitions = [SourceDocumentRegistered] as const;
export const SourceDocumentEvent = z.discriminatedUnion('type', [SourceDocumentRegistered.schema]);
export type SourceDocumentEvent = z.infer<typeof SourceDocumentEvent>;

export type SourceDocumentState = { status: 'unregistered' } | ({ status: 'registered' } & SourceDocumentRegisteredData);
export const initialSourceDocumentState: SourceDocumentState = { status: 'unregistered' };

export function evolveSourceDocument(_state: SourceDocumentState, event: SourceDocumentEvent): SourceDocumentState {
  switch (event.type) {
    case 'SourceDocumentRegistered':
      return { status: 'registered', ...event.data };
    default:
      return assertNever(event.type);
  }
}
