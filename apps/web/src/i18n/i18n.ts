import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';

import type { translation as en } from './translation-en.js';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: {
      translation: typeof en;
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

type Translation = typeof en;

/**
 * The strings of one language: a chunk of its own (translation-en.ts, translation-ru.ts), so
 * the entry carries no strings and a page loads only its language's.
 */
export async function loadTranslation(language: Language): Promise<Translation> {
  const module =
    language === 'ru' ? await import('./translation-ru.js') : await import('./translation-en.js');
  return module.translation;
}

/** Switches the language (loading its strings first) and remembers the choice. */
export async function changeLanguage(i18n: I18n, language: Language): Promise<void> {
  window.localStorage.setItem(STORAGE_KEY, language);
  if (!i18n.hasResourceBundle(language, 'translation')) {
    i18n.addResourceBundle(language, 'translation', await loadTranslation(language));
  }
  await i18n.changeLanguage(language);
  document.documentElement.lang = language;
}

/** A ready i18next instance with the strings of `language` (no loading step). */
export function initI18n(language: Language, translation: Translation): I18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources: { [language]: { translation } },
    lng: language,
    // Both languages have every key (locales.test.ts): no fallback strings are loaded.
    fallbackLng: false,
    supportedLngs: [...SUPPORTED_LANGUAGES],
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });
  document.documentElement.lang = language;
  return instance;
}

/** The app's i18next instance: the detected language, its strings loaded. */
export async function loadI18n(
  language: Language = detectLanguage(),
  translation: Promise<Translation> = loadTranslation(language),
): Promise<I18n> {
  return initI18n(language, await translation);
}
