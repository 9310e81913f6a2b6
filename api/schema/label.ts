import type { Label } from '../../domain/index.js';
import { builder } from './builder.js';

/** A label in Chinese (the ledger’s language) and in English: the vocabulary’s names, a trigger’s 情形. */
export const LabelRef = builder.objectRef<Label>('Label').implement({
  description: 'A label in Chinese (the ledger’s language) and in English.',
  fields: (t) => ({
    zh: t.exposeString('zh', { description: '中文' }),
    en: t.exposeString('en', { description: 'English' }),
  }),
});
