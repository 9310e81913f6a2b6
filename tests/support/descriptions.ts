import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ProblemCategory, ProblemSource } from '../../domain/index.js';

/**
 * Problem descriptions as people write them: the labelled set of tests/data/similarityCases.tsv (30 cases of 3
 * descriptions each, as different townships and sources word the same problem; 31 characters and some 17 words on
 * average), and descriptions made from it for generated counties, so a bench's log costs what real text costs (the
 * JSON the store reads, the words the similarity index segments and keeps). The set is read once and shared.
 */
export type LabelledDescription = { id: string; caseId: string; category: ProblemCategory; source: ProblemSource; text: string };

const DATA = fileURLToPath(new URL('../data/similarityCases.tsv', import.meta.url));

let labelled: LabelledDescription[] | undefined;

export function labelledDescriptions(): readonly LabelledDescription[] {
  labelled ??= readFileSync(DATA, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line, i) => {
      const [caseId, category, source, text] = line.split('\t') as [string, ProblemCategory, ProblemSource, string];
      return { id: `d${String(i + 1).padStart(3, '0')}`, caseId, category, source, text };
    });
  return labelled;
}

/** Where a generated description says it was found, so one labelled text is raised in many places. */
const PLACES = ['磨子潭镇', '黄尾镇', '姚李镇', '单龙寺镇', '西河口乡', '大化坪镇', '城关镇', '漫水河镇', '落儿岭镇', '东西溪乡'];

const byCategory = new Map<ProblemCategory | undefined, readonly LabelledDescription[]>();
function textsOf(category: ProblemCategory | undefined): readonly LabelledDescription[] {
  let set = byCategory.get(category);
  if (set === undefined) {
    const all = labelledDescriptions();
    const ofCategory = all.filter((d) => category === undefined || d.category === category);
    byCategory.set(category, (set = ofCategory.length > 0 ? ofCategory : all));
  }
  return set;
}

/** The townships the labelled texts begin with, each text with one of them. */
const LABELLED_PLACES = ['城关镇', '河口乡', '青山镇', '龙泉乡', '白沙乡', '桃源镇', '石门镇'];

/**
 * The n-th generated description (n from 0): a labelled text, of the given category when the set has texts of it (every
 * category the county generator picks), else of any, found in one of ten townships (in place of the one it names, or
 * before it). The same n gives the same text.
 */
export function generatedDescription(n: number, category?: ProblemCategory): { text: string; labelled: LabelledDescription } {
  const set = textsOf(category);
  const labelledOne = set[n % set.length]!;
  const place = PLACES[Math.floor(n / set.length) % PLACES.length]!;
  const own = LABELLED_PLACES.find((name) => labelledOne.text.startsWith(name)) ?? '';
  return { text: `${place}${labelledOne.text.slice(own.length)}`, labelled: labelledOne };
}
