import { lexicographicSortSchema } from 'graphql';
import { nextTurn, sliced } from '../../projections/slices.js';
import { enforceAuthorization } from '../authz.js';
import { builder } from './builder.js';
import { declareTypes } from './declarations.js';
import { schemaInSlices } from './inSlices.js';

/**
 * The schema, with the authorization layer (api/authz.ts) wrapped around every root field. Sorted as
 * `toSchema({ sortSchema: true })` sorts it. The types declared, the schema built (in slices: `schemaInSlices`) and its
 * sorting each take turns of the event loop of their own: at once they held a starting server's loop ~80 ms (issue 12, aim 3).
 */
await declareTypes();
const unsorted = await sliced(schemaInSlices(builder));
await nextTurn();
export const schema = enforceAuthorization(lexicographicSortSchema(unsorted));
