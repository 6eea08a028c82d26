import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';

import en from './locales/en.json';
import enAdministration from './locales/en-administration.json';
import enManage from './locales/en-manage.json';
import enOperator from './locales/en-operator.json';
import enRollouts from './locales/en-rollouts.json';
import enTemplates from './locales/en-templates.json';
import ru from './locales/ru.json';
import ruAdministration from './locales/ru-administration.json';
import ruManage from './locales/ru-manage.json';
import ruOperator from './locales/ru-operator.json';
import ruRollouts from './locales/ru-rollouts.json';
import ruTemplates from './locales/ru-templates.json';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: {
      translation: typeof en &
        typeof enTemplates &
        typeof enManage &
        typeof enOperator &
        typeof enAdministration &
        typeof enRollouts;
    };
  }
}

export const SUPPORTED_LANGUAGES = ['en', 'ru'] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];

const STORAGE_KEY = 'commander.language';

/** The language the user chose before, else the browser's when we have it, else English. */
export function detectLanguage(): Language {
  const stored = window.localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'ru') {
    return stored;
  }
  return navigator.language.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

/** Switches the language and remembers the choice. */
export async function changeLanguage(i18n: I18n, language: Language): Promise<void> {
  window.localStorage.setItem(STORAGE_KEY, language);
  await i18n.changeLanguage(language);
  document.documentElement.lang = language;
}

/** A ready i18next instance with every resource bundled (no loading step). */
export function createI18n(language: Language = detectLanguage()): I18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    // Features may keep their strings in their own files (top-level keys must not collide).
    resources: {
      en: {
        translation: {
          ...en,
          ...enTemplates,
          ...enManage,
          ...enOperator,
          ...enAdministration,
          ...enRollouts,
        },
      },
      ru: {
        translation: {
          ...ru,
          ...ruTemplates,
          ...ruManage,
          ...ruOperator,
          ...ruAdministration,
          ...ruRollouts,
        },
      },
    },
    lng: language,
    fallbackLng: 'en',
    supportedLngs: [...SUPPORTED_LANGUAGES],
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });
  document.documentElement.lang = language;
  return instance;
}
