import { builder } from './builder.js';

type ServerStatus = { ready: boolean; position: number; head: number; node: string; onceOnlyHolder: string | null };

const ServerStatusRef = builder.objectRef<ServerStatus>('ServerStatus').implement({
  description:
    "Where this server's read side stands against the log (as /readyz says): a client that wrote on another server sends its position as X-Min-Position.",
  fields: (t) => ({
    ready: t.exposeBoolean('ready', { description: 'True when the read models have applied the log as it is now: answers are current.' }),
    position: t.exposeInt('position', { description: 'The last log position the read models have applied (-1 before the first event).' }),
    head: t.exposeInt('head', { description: "The position of the log's last event (-1 when the log is empty)." }),
    node: t.exposeString('node', {
      description: "This server's name among the servers on the store (its node name, process id and a random tail).",
    }),
    onceOnlyHolder: t.exposeString('onceOnlyHolder', {
      nullable: true,
      description:
        'The server that runs the once-only work (checkpoints, the scheduler) as this one last saw it: its node name, or null before the first look.',
    }),
  }),
});

builder.queryField('serverStatus', (t) =>
  t.field({
    type: ServerStatusRef,
    description:
      'Is this server current with the log? Its position and the head (no sign-in needed: like /readyz, it tells nothing of the ledger).',
    resolve: async (_root, _args, ctx) => {
      const { position, head, current } = await ctx.services.runner.progress();
      return { ready: current, position, head, node: ctx.services.onceOnly.node, onceOnlyHolder: ctx.services.onceOnly.holder ?? null };
    },
  }),
);
