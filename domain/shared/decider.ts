/**
 * The pure half of an aggregate, as its module exports it: where a stream starts, how an event
 * changes the state, and what a command means on a state (the events to append, none, or a domain
 * error). `now` is the injected clock's instant; a decider reads no clock. The command handler
 * (eventstore/commandHandler.ts) runs it against the store.
 */
export type Decider<State, Command, Event extends { type: string; data: unknown }> = {
  initialState: State;
  evolve: (state: State, event: Event) => State;
  decide: (state: State, command: Command, now: string) => Event[];
};
