// The ru strings, one chunk loaded only when ru is the language (i18n.ts, loadTranslation).
import base from './locales/ru.json';
import administration from './locales/ru-administration.json';
import manage from './locales/ru-manage.json';
import operator from './locales/ru-operator.json';
import rollouts from './locales/ru-rollouts.json';
import templates from './locales/ru-templates.json';

// Features may keep their strings in their own files (top-level keys must not collide).
export const translation = {
  ...base,
  ...templates,
  ...manage,
  ...operator,
  ...administration,
  ...rollouts,
};
