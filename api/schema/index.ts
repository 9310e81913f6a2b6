import { builder } from './builder.js';
import './unit.js';
import './event.js';
import './problem.js';
import './mutations.js';
import './imports.js';
import './integrity.js';

export const schema = builder.toSchema({ sortSchema: true });
