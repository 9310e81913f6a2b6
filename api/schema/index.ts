import { enforceAuthorization } from '../authz.js';
import { builder } from './builder.js';
import './unit.js';
import './event.js';
import './problem.js';
import './mutations.js';
import './policy.js';
import './calendar.js';
import './battleMap.js';
import './battleMapWall.js';
import './interviewTrigger.js';
import './scorecard.js';
import './battleMapUpdate.js';
import './accounts.js';
import './hotline.js';
import './audit.js';
import './problemImport.js';
import './ledgerVerification.js';
import './reproduction.js';
import './vocabulary.js';
import './notification.js';
import './report.js';
import './similarProblems.js';
import './sourceDocument.js';

/** The schema, with the authorization layer (api/authz.ts) wrapped around every root field. */
export const schema = enforceAuthorization(builder.toSchema({ sortSchema: true }));
