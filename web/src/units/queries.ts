import { gql } from '../shared/api';

/** 分管领域: what a leader in charge answers for, in words, and the problem categories it covers. */
export type Portfolio = { description: string; categories: string[] };

/** A leader of a unit on record (领导班子), with the days in post (from and until both included). */
export type UnitLeader = {
  id: string;
  /** principal 主要负责人, in_charge 分管领导 */
  role: 'principal' | 'in_charge';
  name: string;
  title: string;
  portfolio: Portfolio | null;
  from: string;
  /** 离任: the last day in post; null while in post. */
  until: string | null;
};

/** A unit with its parent and its leaders: every record, and the ids of those in post on the day asked about (the server decides). */
export type UnitWithLeaders = {
  id: string;
  name: string;
  kind: string;
  status: string;
  parent: { id: string; name: string } | null;
  leaders: UnitLeader[];
  inPost: { id: string }[];
};

const LEADER = 'id role name title portfolio { description categories } from until';

export const fetchUnitsWithLeaders = async (on: string): Promise<UnitWithLeaders[]> =>
  (
    await gql<{ units: UnitWithLeaders[] }>(
      `query UnitsWithLeaders($on: String!) { units { id name kind status parent { id name } leaders { ${LEADER} } inPost: leaders(on: $on) { id } } }`,
      { on },
    )
  ).units;

export type AppointInput = {
  unitId: string;
  role: UnitLeader['role'];
  name: string;
  title: string;
  /** Required for a leader in charge; none for the principal leader. */
  portfolio: Portfolio | null;
  from: string;
};

/** 任职: the office records a leader of a unit from a day (a principal one only once the predecessor's last day is on record). */
export async function appointUnitLeader(input: AppointInput) {
  await gql(
    `mutation Appoint($unitId: ID!, $role: LeaderRole!, $name: String!, $title: String!, $portfolio: PortfolioInput, $from: String!) {
      appointUnitLeader(unitId: $unitId, role: $role, name: $name, title: $title, portfolio: $portfolio, from: $from) { replayed }
    }`,
    input,
  );
}

/** 离任: the office records a leader's last day in post. */
export async function recordUnitLeaderLeft(input: { unitId: string; leaderId: string; until: string }) {
  await gql(
    `mutation Left($unitId: ID!, $leaderId: ID!, $until: String!) {
      recordUnitLeaderLeft(unitId: $unitId, leaderId: $leaderId, until: $until) { replayed }
    }`,
    input,
  );
}
