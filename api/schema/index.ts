import { builder } from './builder.js';
import './unit.js';
import './event.js';
import './problem.js';
import './mutations.js';
import './policy.js';
import './battleMap.js';
import './interviewTrigger.js';
import './scorecard.js';
import './battleMapUpdate.js';

export const schema = builder.toSchema({ sortSchema: true });
