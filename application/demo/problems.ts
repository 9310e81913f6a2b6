import type { ProblemCategory, ProblemSource } from '../../domain/index.js';
import { type SimDay, simDay } from './clock.js';
import type { County, DemoUnit } from './county.js';
import { DEMO_END, type Lifecycle, type ProblemSketch, type Scenario, planLifecycle } from './lifecycle.js';
import type { Random } from './random.js';
import { DEMO_START, allocateScenarios, plainScenario, preferredRaiseWindow } from './scenarios.js';
import { categoryTexts, categoryWeightsBySource, fill, generalCategoryWeights, householdName, recurrenceNote } from './texts.js';

export type PlannedProblem = { raiseCommandId: string; sketch: ProblemSketch; lifecycle: Lifecycle };

export type CommandIds = {
  next: () => string;
  /** The ledger's: a problem's id follows from its raise's command id. */
  problemIdFor: (commandId: string) => string;
  /** The n-th item of the demo's national-feedback document (its 原编号 and problem id, which follows from them); none: not listed. */
  nationalFeedbackItem?: (n: number) => { sourceDocumentId: string; originalNumber: string; problemId: string };
};

const SOURCE_WEIGHTS: readonly (readonly [ProblemSource, number])[] = [
  ['national_feedback', 8],
  ['provincial_review', 14],
  ['municipal_review', 18],
  ['county_self_check', 30],
  ['audit', 8],
  ['discipline_inspection', 8],
  ['hotline', 14],
];

/**
 * Days when a tier's findings arrive in one batch (成效考核反馈, 省市交叉检查, 审计): most of that
 * source's problems are raised on one of them. Sources not listed raise problems any working day.
 */
const BATCH_DAYS: Partial<Record<ProblemSource, readonly SimDay[]>> = {
  national_feedback: ['2019-03-18', '2019-07-22', '2020-03-23', '2020-08-10'].map(simDay),
  provincial_review: ['2019-04-22', '2019-09-16', '2019-12-09', '2020-04-13', '2020-07-20', '2020-10-19', '2020-12-07'].map(simDay),
  municipal_review: [
    '2019-03-25',
    '2019-06-17',
    '2019-09-23',
    '2019-11-25',
    '2020-02-24',
    '2020-05-18',
    '2020-08-24',
    '2020-11-16',
    '2020-12-14',
  ].map(simDay),
  audit: ['2019-05-20', '2019-10-14', '2020-06-15', '2020-09-28'].map(simDay),
};

/** The first problems take these pairs, so that every source and every category appears. */
const COVERAGE: readonly (readonly [ProblemSource, ProblemCategory])[] = [
  ['national_feedback', 'data_mismatch'],
  ['provincial_review', 'wrongful_inclusion_exclusion'],
  ['municipal_review', 'wrongful_exit'],
  ['county_self_check', 'supervision_findings'],
  ['audit', 'fund_misuse'],
  ['discipline_inspection', 'work_style'],
  ['hotline', 'housing'],
  ['national_feedback', 'drinking_water'],
  ['provincial_review', 'project_delay'],
  ['county_self_check', 'education'],
  ['municipal_review', 'health'],
  ['county_self_check', 'roads'],
  ['hotline', 'power'],
  ['county_self_check', 'network'],
  ['municipal_review', 'industry'],
  ['provincial_review', 'employment'],
  ['county_self_check', 'social_protection'],
];

/**
 * Sketches and dates `count` problems: the bulk from allocated scenarios, then a few raised as the
 * same kind of problem again (同类问题第二次) in a unit whose earlier one was closed.
 */
export function planProblems(random: Random, county: County, count: number, ids: CommandIds): PlannedProblem[] {
  const recurrences = count >= 50 ? Math.round(count / 50) : count >= 12 ? 1 : 0;
  const planned: PlannedProblem[] = [];
  let hotlineSerial = 0;
  let nationalItems = 0;
  const sketch = (
    scenario: Scenario,
    source: ProblemSource,
    category: ProblemCategory,
    responsible: DemoUnit,
    village: DemoUnit,
    verifier: DemoUnit,
    recurrenceOf: string | null,
  ) => {
    const raiseCommandId = ids.next();
    const text = categoryTexts[category];
    const item = source === 'national_feedback' && ids.nationalFeedbackItem ? ids.nationalFeedbackItem(++nationalItems) : null;
    const problem: ProblemSketch = {
      problemId: item?.problemId ?? ids.problemIdFor(raiseCommandId),
      sourceItem: item && { sourceDocumentId: item.sourceDocumentId, originalNumber: item.originalNumber },
      scenario,
      source,
      category,
      description: describe(random, category, responsible, village) + (recurrenceOf ? recurrenceNote : ''),
      hotlineSerial: source === 'hotline' ? ++hotlineSerial : null,
      recurrenceOf,
      responsible,
      village,
      verifier,
      office: random.pick(county.officeStaff),
      leadingOfficial: random.chance(0.6) ? random.pick(county.leadingOfficials) : null,
      measures: text.measures,
      done: text.done,
      works: text.works,
      files: text.files,
    };
    return { raiseCommandId, problem };
  };

  allocateScenarios(random, count - recurrences).forEach((scenario, i) => {
    const [source, category] = COVERAGE[i] ?? pickSourceAndCategory(random);
    const { responsible, village } = chooseAnswerable(random, county, category);
    const verifier = chooseVerifier(random, county, category, responsible, village);
    const { raiseCommandId, problem } = sketch(scenario, source, category, responsible, village, verifier, null);
    const lifecycle = schedule(random, problem, preferredRaiseWindow(random, scenario), DEMO_START);
    if (!lifecycle) throw new Error(`Demo problem ${raiseCommandId} does not fit in 2019–2020`);
    planned.push({ raiseCommandId, sketch: problem, lifecycle });
  });

  const closedEarly = planned.filter(
    (p) => p.sketch.scenario.status === 'closed' && !p.sketch.scenario.reopened && p.lifecycle.closedDay! <= DEMO_END - 90,
  );
  for (const earlier of random.shuffle(closedEarly).slice(0, recurrences)) {
    const { category, responsible, village, verifier } = earlier.sketch;
    const source = random.pick(['county_self_check', 'municipal_review', 'provincial_review'] as const);
    const scenario = random.pick<Scenario>([
      plainScenario('closed'),
      { ...plainScenario('rectifying'), overdue: true, supervisions: 1 },
      plainScenario('awaiting_verification'),
    ]);
    const { raiseCommandId, problem } = sketch(scenario, source, category, responsible, village, verifier, earlier.sketch.problemId);
    const notBefore = earlier.lifecycle.closedDay! + 20;
    // A scenario that does not fit after the earlier close falls back to one still in rectification.
    const fallback = { ...problem, scenario: plainScenario('rectifying') };
    let fitted: PlannedProblem | null = null;
    for (const candidate of [problem, fallback]) {
      const lifecycle = schedule(random, candidate, [notBefore, Math.min(notBefore + 100, DEMO_END - 45)], notBefore);
      if (lifecycle) {
        fitted = { raiseCommandId, sketch: candidate, lifecycle };
        break;
      }
    }
    if (!fitted) throw new Error(`Demo recurrence ${raiseCommandId} does not fit in 2019–2020`);
    planned.push(fitted);
  }
  return planned;
}

/**
 * Picks the raise day in the preferred window (a batch day of the source, mostly) and plans the
 * lifecycle; when it runs past the end of 2020 it starts again earlier, never before `notBefore`.
 */
function schedule(random: Random, sketch: ProblemSketch, [lo, hi]: [SimDay, SimDay], notBefore: SimDay): Lifecycle | null {
  const batches = (BATCH_DAYS[sketch.source] ?? []).filter((day) => day >= lo && day <= hi);
  let day = batches.length > 0 && random.chance(0.75) ? random.pick(batches) : random.int(lo, Math.max(lo, hi));
  for (let attempt = 0; attempt < 20; attempt++) {
    const lifecycle = planLifecycle(random, sketch, day);
    if (lifecycle.lastDay <= DEMO_END) return lifecycle;
    if (day <= notBefore) return null;
    day = Math.max(notBefore, day - (lifecycle.lastDay - DEMO_END) - random.int(1, 10));
  }
  return null;
}

function pickSourceAndCategory(random: Random): [ProblemSource, ProblemCategory] {
  const source = random.weighted(SOURCE_WEIGHTS);
  return [source, random.weighted(categoryWeightsBySource[source] ?? generalCategoryWeights)];
}

/** The answerable unit (责任单位) and the village the problem is in. */
function chooseAnswerable(random: Random, county: County, category: ProblemCategory): { responsible: DemoUnit; village: DemoUnit } {
  const text = categoryTexts[category];
  const who = random.weighted(text.answerable);
  const village = random.pick(county.villages);
  switch (who) {
    case 'village':
      return { responsible: village, village };
    case 'township':
      return { responsible: village.township!, village };
    case 'work_team': {
      const team = random.pick(county.workTeams);
      return { responsible: team, village: team.village! };
    }
    case 'assisting_unit': {
      const unit = random.pick(county.assistingUnits);
      return { responsible: unit, village: unit.village! };
    }
    case 'sector':
      if (text.sector === 'power_company') return { responsible: county.powerCompany, village };
      return { responsible: county.departments[text.sector ?? '县扶贫局'], village };
    default:
      return { responsible: county.departments[who], village };
  }
}

/**
 * The verifying unit (验收), never the answerable one: the sector's department (or 县扶贫局) for
 * township, village and team items; the township (or 县审计局 for funds) for a department's items;
 * 县纪委监委 for work-style cases.
 */
function chooseVerifier(random: Random, county: County, category: ProblemCategory, responsible: DemoUnit, village: DemoUnit): DemoUnit {
  const { departments } = county;
  const township = village.township!;
  const candidates =
    category === 'work_style'
      ? [departments.县纪委监委]
      : responsible.kind === 'department'
        ? category === 'fund_misuse'
          ? [departments.县审计局, township]
          : random.chance(0.7)
            ? [township, departments.县扶贫局]
            : [departments.县扶贫局, township]
        : [departments[categoryTexts[category].overseer], departments.县扶贫局, departments.县审计局];
  const verifier = candidates.find((unit) => unit.unitId !== responsible.unitId);
  if (!verifier) throw new Error(`No verifier for an item of ${responsible.name}`);
  return verifier;
}

function describe(random: Random, category: ProblemCategory, responsible: DemoUnit, village: DemoUnit): string {
  const { descriptions } = categoryTexts[category];
  // Templates naming {unit} speak of a team or an assisting unit; the others of a place.
  const aboutTeam = responsible.kind === 'work_team' || responsible.kind === 'assisting_unit';
  const fitting = descriptions.filter((template) => template.includes('{unit}') === aboutTeam);
  const n = random.int(2, 12);
  return fill(random.pick(fitting.length > 0 ? fitting : descriptions), {
    town: village.township!.name,
    village: village.name,
    unit: responsible.name,
    hh: householdName(random),
    n,
    n2: Math.max(1, n - random.int(1, 2)),
    m: (random.int(5, 500) / 10).toFixed(1),
    M: (random.int(500, 3000) / 10).toFixed(1),
    year: '{year}',
  });
}
