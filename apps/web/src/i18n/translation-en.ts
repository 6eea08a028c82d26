// The en strings, one chunk loaded only when en is the language (i18n.ts, loadTranslation).
import base from './locales/en.json';
import administration from './locales/en-administration.json';
import manage from './locales/en-manage.json';
import operator from './locales/en-operator.json';
import rollouts from './locales/en-rollouts.json';
import templates from './locales/en-templates.json';

// Features may keep their strings in their own files (top-level keys must not collide).
export const translation = {
  ...base,
  ...templates,
  ...manage,
  ...operator,
  ...administration,
  ...rollouts,
};
