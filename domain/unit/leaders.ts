import { z } from 'zod';
import { CalendarDay } from '../shared/calendar.js';
import { Id, Name } from '../shared/messages.js';
import { ProblemCategory } from '../problem/vocabulary.js';

/**
 * A unit's leaders on record (领导班子): its principal leader (主要负责人: 书记 or 乡镇长, 局长, 村支书)
 * and its leaders in charge (分管领导) of a portfolio. People change: each record holds the days its
 * holder was in post, `from` to `until` (both included; `until` null while in post).
 */
export const LeaderRole = z.enum(['principal', 'in_charge']);
export type LeaderRole = z.infer<typeof LeaderRole>;

/** 分管领域: what a leader in charge answers for, in words, and the problem categories it covers. */
export const Portfolio = z.object({
  /** e.g. 分管农业农村、脱贫攻坚 */
  description: Name(200),
  /** The problem categories (问题类别) this leader answers for; an interview about such an item names them. */
  categories: z.array(ProblemCategory).max(ProblemCategory.options.length).default([]),
});
export type Portfolio = z.infer<typeof Portfolio>;

export const LeaderFields = {
  /** Chosen by the application; names the record when its holder leaves. */
  leaderId: Id,
  role: LeaderRole,
  /** 姓名 */
  name: Name(50),
  /** 职务, e.g. 镇党委书记, 副镇长 */
  title: Name(100),
  /** 分管领域: for a leader in charge; none for the principal leader. */
  portfolio: Portfolio.nullable().default(null),
  /** 任职日期: the first day in post. */
  from: CalendarDay,
};

/** One leader's time in one post of one unit. */
export type UnitLeader = {
  leaderId: string;
  role: LeaderRole;
  name: string;
  title: string;
  portfolio: Portfolio | null;
  from: string;
  /** 离任: the last day in post; null while in post. */
  until: string | null;
};

/** Whether the leader was in post on a county day. */
export const inPostOn = (leader: UnitLeader, day: string): boolean => leader.from <= day && (leader.until === null || day <= leader.until);

/** Whether two records' days in post overlap (an open end runs on forever). */
export const periodsOverlap = (a: Pick<UnitLeader, 'from' | 'until'>, b: Pick<UnitLeader, 'from' | 'until'>): boolean =>
  (a.until === null || b.from <= a.until) && (b.until === null || a.from <= b.until);

/** 主要负责人 in post on a day: at most one, as the unit's decider keeps it; null when none is on record. */
export function principalOn(leaders: readonly UnitLeader[], day: string): UnitLeader | null {
  return leaders.find((l) => l.role === 'principal' && inPostOn(l, day)) ?? null;
}

/** 分管领导 in post on a day whose portfolio covers one of the categories, in the order recorded. */
export function inChargeOn(leaders: readonly UnitLeader[], day: string, categories: readonly string[]): UnitLeader[] {
  return leaders.filter(
    (l) => l.role === 'in_charge' && inPostOn(l, day) && (l.portfolio?.categories ?? []).some((c) => categories.includes(c)),
  );
}
