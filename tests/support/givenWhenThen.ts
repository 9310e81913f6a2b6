import { expect } from 'vitest';
import type { z } from 'zod';
import { TaizhangError } from '../../domain/index.js';

/** The pure half of an aggregate, as a domain test needs it. */
export type DeciderUnderTest<State, Command, Event> = {
  initialState: State;
  evolve: (state: State, event: Event) => State;
  decide: (state: State, command: Command, now: string) => Event[];
  /**
   * The union schema of the aggregate's events. Given events must fit it (a fixture cannot drift
   * from the schema), and so must decided ones: the store would refuse to read them back otherwise.
   */
  eventSchema: z.ZodType;
};

/**
 * given(events).when(command, now).then(events) / .thenError(code) / .thenNothing().
 * `then` returns the state after the decided events, for the odd assertion on what they lead to.
 */
export function deciderSpec<State, Command, Event>(decider: DeciderUnderTest<State, Command, Event>) {
  const fold = (state: State, events: readonly Event[]) => events.reduce(decider.evolve, state);
  const mustFitSchema = (events: readonly Event[], what: string) => {
    for (const event of events) {
      const parsed = decider.eventSchema.safeParse(event);
      if (!parsed.success) throw new Error(`${what} event does not fit its schema: ${JSON.stringify(parsed.error.issues)}`);
    }
  };
  return {
    given(history: readonly Event[]) {
      mustFitSchema(history, 'A given');
      const state = fold(decider.initialState, history);
      return {
        when(command: Command, now: string) {
          const run = () => decider.decide(state, command, now);
          return {
            // biome-ignore lint/suspicious/noThenProperty: given / when / then is the test's grammar; the object is never awaited
            then(expected: readonly Event[]): State {
              const decided = run();
              expect(decided).toStrictEqual(expected);
              mustFitSchema(decided, 'A decided');
              return fold(state, decided);
            },
            thenError(code: string): TaizhangError {
              let decided: Event[];
              try {
                decided = run();
              } catch (error) {
                expect(error).toBeInstanceOf(TaizhangError);
                expect((error as TaizhangError).code).toBe(code);
                return error as TaizhangError;
              }
              return expect.fail(`expected ${code}, but the decision was ${JSON.stringify(decided)}`);
            },
            thenNothing(): void {
              expect(run()).toStrictEqual([]);
            },
          };
        },
      };
    },
  };
}
