import type { PolicyRow } from '../../application/assessment.js';
import type { RecordedEvent } from '../../application/index.js';
import { builder } from './builder.js';
import { asOfDescription, parseAsOf } from './args.js';
import { LedgerEventRef } from './event.js';
import { commandContext, commandIdArg } from './mutations.js';

const PolicyRef = builder.objectRef<PolicyRow>('Policy').implement({
  description:
    'A version of the policy (考核办法): light rules, interview rules and scoring rules as one document. Version 0 is the built-in default, in force until a version is adopted.',
  fields: (t) => ({
    version: t.exposeInt('version', { description: 'Version number; each adoption adds one.' }),
    name: t.string({ description: 'What the committee calls it.', resolve: (p) => p.document.name }),
    document: t.field({ type: 'JSON', description: 'The whole document: lights, interviews, scoring.', resolve: (p) => p.document }),
    reason: t.string({ nullable: true, description: 'Why it was adopted (null for the default).', resolve: (p) => p.reason ?? null }),
    adoptedAt: t.string({
      nullable: true,
      description: 'When it came into force (null for the default).',
      resolve: (p) => p.adoptedAt ?? null,
    }),
    adoptedBy: t.string({ nullable: true, description: 'Who adopted it.', resolve: (p) => p.adoptedBy ?? null }),
  }),
});

builder.queryField('policy', (t) =>
  t.field({
    type: PolicyRef,
    description: 'One policy version, or the one in force at an instant (now when neither is given).',
    args: {
      version: t.arg.int({ required: false, description: 'The version; 0 is the built-in default.' }),
      asOf: t.arg.string({ required: false, description: asOfDescription }),
    },
    resolve: (_root, args, ctx) => ctx.services.assessment.policy(args.version, parseAsOf(args.asOf)),
  }),
);

builder.queryField('policies', (t) =>
  t.field({
    type: [PolicyRef],
    description: 'Every policy version, the default (0) first.',
    resolve: (_root, _args, ctx) => ctx.services.assessment.policies(),
  }),
);

const PolicyPayloadRef = builder.objectRef<{ policy: PolicyRow; events: RecordedEvent[]; replayed: boolean }>('PolicyPayload').implement({
  description: 'The policy in force after the command, and the events appended.',
  fields: (t) => ({
    policy: t.field({ type: PolicyRef, description: 'The version now in force.', resolve: (p) => p.policy }),
    events: t.field({
      type: [LedgerEventRef],
      description: 'Appended by this command; empty when the document is the one in force.',
      resolve: (p) => p.events,
    }),
    replayed: t.exposeBoolean('replayed', { description: 'True when this commandId was handled before.' }),
  }),
});

builder.mutationField('adoptPolicy', (t) =>
  t.field({
    type: PolicyPayloadRef,
    description:
      'Adopt a new policy version (PolicyAdopted), in force from now. The document is checked whole: every rule, number and weight (see the `policy` query for the shape).',
    args: {
      document: t.arg({ type: 'JSON', required: true, description: 'The whole policy document: name, lights, interviews, scoring.' }),
      reason: t.arg.string({ required: true, description: 'Why it changes.' }),
      commandId: commandIdArg(t) as never,
    },
    resolve: async (_root, args, ctx) => {
      const { result, policy } = await ctx.services.assessment.adoptPolicy(
        { document: args.document, reason: args.reason },
        commandContext(ctx, args.commandId as string | undefined),
      );
      return { policy, events: result.events, replayed: result.replayed };
    },
  }),
);
