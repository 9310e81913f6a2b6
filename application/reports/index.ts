import { IllegalStateError, ValidationError, countyDay } from '../../domain/index.js';
import type { ReadModels } from '../../projections/readModels.js';
import { DOCX_TYPE, type RenderedFile, XLSX_TYPE, renderDocx, renderXlsx, tablesOf } from '../documents/index.js';
import type { OfficialNotice } from '../documents/notice.js';
import type { Bulletins } from '../bulletin.js';
import { checkYear } from '../validation.js';
import { bulletinNotice } from './bulletinNotice.js';
import { type AssessmentReport, assessmentReport } from './assessment.js';
import { type InspectionReport, inspectionReport, parseQuarter, quarterEnd } from './inspection.js';
import { type Issuers, assessmentNotice, inspectionNotice } from './notices.js';

export type { AssessmentReport, ExemptionRow, RankingRow } from './assessment.js';
export {
  FIGURES,
  type Figure,
  type FigureName,
  INSPECTION_RULE,
  type InspectionReport,
  type InspectionRow,
  figureLabel,
} from './inspection.js';

/** The formats a report is downloaded in. */
export type ReportFormat = 'docx' | 'xlsx';

/**
 * The office's reports, built from the log and rendered in its formats (application/documents/):
 * the annual assessment report (年度考核结果通报) of a finalized year, the quarterly inspection
 * report (季督查通报) and the monthly bulletin (月通报, built by application/bulletin.ts). Each is a model (the figures, with their ledger numbers), a notice (the
 * document as the office writes it) and its files.
 */
export class Reports {
  constructor(
    private readonly readModels: ReadModels,
    private readonly clock: () => string,
    /** 月通报: the month's bulletin as served (published, else the draft), for its 通报. */
    private readonly bulletins: Bulletins,
  ) {}

  /**
   * The finalized year's ranking, grades, 一票否决 and exemptions, read off its frozen cards; a year
   * outside 2000–2100 is VALIDATION_FAILED on `year` (checkYear), one not finalized NOT_FINALIZED.
   */
  async assessment(year: number): Promise<AssessmentReport> {
    checkYear(year);
    const facts = this.readModels.live;
    const finalization = facts.finalizations.get(year);
    const frozen = await this.readModels.frozenCards(year, facts);
    if (!finalization || !frozen)
      throw new IllegalStateError(
        'NOT_FINALIZED',
        `The ${year} assessment is not finalized: its report is issued once the committee finalizes the year (考核定档).`,
        { field: 'year' },
      );
    return assessmentReport(finalization, frozen.cards, frozen.reproduced, facts);
  }

  /**
   * The quarter's inspection report, as of its last moment (or now, while it runs); a malformed
   * quarter is BAD_QUARTER, one not begun yet QUARTER_IN_FUTURE.
   */
  async inspection(quarterText: string): Promise<InspectionReport> {
    const quarter = parseQuarter(quarterText);
    const now = this.clock();
    const today = countyDay(now);
    if (quarter.firstDay > today)
      throw new ValidationError('QUARTER_IN_FUTURE', `${quarter.id} has not begun: it starts on ${quarter.firstDay}, today is ${today}.`, {
        field: 'quarter',
      });
    const complete = quarter.lastDay < today;
    const asOf = complete ? quarterEnd(quarter) : now;
    const { facts } = await this.readModels.at(asOf, now);
    return inspectionReport(facts, quarter, asOf, complete);
  }

  /** The assessment report as a 通报. */
  async assessmentNotice(year: number): Promise<OfficialNotice> {
    return assessmentNotice(await this.assessment(year), this.issuers());
  }

  /** The inspection report as a 通报. */
  async inspectionNotice(quarter: string): Promise<OfficialNotice> {
    return inspectionNotice(await this.inspection(quarter), this.issuers());
  }

  /** The assessment report as a file: the 通报 (.docx) or its tables (.xlsx). */
  async assessmentFile(year: number, format: ReportFormat): Promise<RenderedFile> {
    return render(await this.assessmentNotice(year), `${year}年度考核结果`, format);
  }

  /** The inspection report as a file: the 通报 (.docx) or its tables (.xlsx). */
  async inspectionFile(quarter: string, format: ReportFormat): Promise<RenderedFile> {
    const notice = await this.inspectionNotice(quarter);
    return render(notice, `${parseQuarter(quarter).id}季度督查`, format);
  }

  /** The month's bulletin (月通报) as a 通报: the published (frozen) one when there is one, else the draft, marked 草稿. */
  async bulletinNotice(month: string): Promise<OfficialNotice> {
    return bulletinNotice(await this.bulletins.bulletin(month), this.issuers(), countyDay(this.clock()));
  }

  /** The bulletin as a file: the 通报 (.docx) or its tables (.xlsx); a draft's file name says 草稿 too. */
  async bulletinFile(month: string, format: ReportFormat): Promise<RenderedFile> {
    const view = await this.bulletins.bulletin(month);
    const notice = bulletinNotice(view, this.issuers(), countyDay(this.clock()));
    return render(notice, `${view.bulletin.month}月通报${view.published ? '' : '（草稿）'}`, format);
  }

  /** The county the reports are issued in: the registered unit of kind county (霍山县), or 县 when none is. */
  private issuers(): Issuers {
    const county = [...this.readModels.live.units.values()].find((u) => u.kind === 'county');
    return { county: county?.name ?? '县' };
  }
}

async function render(notice: OfficialNotice, name: string, format: ReportFormat): Promise<RenderedFile> {
  if (format === 'docx') return { name: `${name}.docx`, contentType: DOCX_TYPE, data: await renderDocx(notice) };
  return {
    name: `${name}.xlsx`,
    contentType: XLSX_TYPE,
    data: await renderXlsx(tablesOf(notice), { creator: notice.issuer, title: notice.title }),
  };
}
