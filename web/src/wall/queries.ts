import { gql } from '../shared/api';

export type Light = 'red' | 'yellow' | 'green';
const count = '{ count }';
const TALLY = `total ${count} open ${count} overdue ${count} dueSoon ${count} closed ${count} red ${count} yellow ${count} green ${count}`;
type Tally = Record<'total' | 'open' | 'overdue' | 'dueSoon' | 'closed' | 'red' | 'yellow' | 'green', { count: number }>;
/** A count with its ledger numbers: the drill-down behind it (对账销号). */
export type Count = { count: number; ledgerNumbers: string[] };
type WallCell = { unit: { id: string; name: string } | null; category: string; light: Light; count: number; ledgerNumbers: string[] };
export type Wall = {
  day: string;
  light: Light;
  onTimeClosureRate: number | null;
  /** Closed (销号) and awaiting the 回头看. */
  awaitingRecheck: Count;
  /** Of those, the ones past the day their 回头看 fell due. */
  recheckOverdue: Count;
  /** With a 督办 waiting for the unit's reply (督办待回复), and of those the ones past their 办结时限. */
  awaitingSupervisionReply: Count;
  supervisionReplyOverdue: Count;
  tally: Tally;
  units: { unit: { id: string; name: string } | null; light: Light; tally: Tally }[];
  cells: WallCell[];
  monthly: { month: string; opened: number; closed: number }[];
};

const WALL_QUERY = `query Wall($asOf: String) {
  battleMap(asOf: $asOf) {
    day light onTimeClosureRate awaitingRecheck { count ledgerNumbers } recheckOverdue { count ledgerNumbers } tally { ${TALLY} }
    awaitingSupervisionReply { count ledgerNumbers } supervisionReplyOverdue { count ledgerNumbers }
    units { unit { id name } light tally { ${TALLY} } }
    cells { unit { id name } category light count ledgerNumbers }
    monthly { month opened closed }
  }
}`;
export const UPDATES = 'subscription { battleMapUpdates { ledgerNumber light eventType } }';

/** The battle map (挂图作战) as of an instant, or now. */
export async function fetchWall(asOf: string | null): Promise<Wall> {
  return (await gql<{ battleMap: Wall }>(WALL_QUERY, asOf ? { asOf } : {})).battleMap;
}
